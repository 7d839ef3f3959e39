"""Pages for the mentor pool and placements."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import login_required, require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.certification.lifecycle import renewal_window_days
from lms_plugin.coordination import certs, confirm
from lms_plugin.coordination.mentors import placements as placement_list
from lms_plugin.coordination.mentors import services as mentors
from lms_plugin.coordination.mentors.forms import MentorProfileForm, split_list
from lms_plugin.coordination.mentors.own_view import mentor_overview
from lms_plugin.coordination.mentors.renewal import placement_refusal
from lms_plugin.coordination.models import Placement, Programme, School
from lms_plugin.coordination.organisation import services as org
from lms_plugin.coordination.scope import current_scope, require_school
from lms_plugin.coordination.web import (
    SchoolChoice,
    actor,
    bp,
    int_arg,
    programme_in_view,
    school_choice,
)
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.listing import parse_args

PER_PAGE = 50


def _mentor(mentor_id: int) -> mentors.MentorProfile:
    """The mentor if in the viewer's scope, else 404."""
    mentor = mentors.get_mentor(mentor_id)
    if not current_scope().sees_mentor(mentor.id):
        raise NotFound(_("This mentor does not exist."))
    return mentor


def _schools(programme: Programme | None) -> list[School]:
    """The programme's schools in the viewer's scope."""
    if programme is None:
        return []
    return org.schools(programme, centre_ids=current_scope().centres_of(programme.id))


@bp.get("/mentors", endpoint="mentors")
@roles_required(Role.COORDINATOR)
def mentors_page() -> str:
    """Every certified teacher is in the pool; placements show their renewal state. Reads
    only: the pool and the flags follow certificate changes (`renewal_job`)."""
    programme = programme_in_view()
    scope = current_scope()
    args = parse_args(request.args, tuple(mentors.MENTOR_SORTS), "name", per_page=PER_PAGE)
    choice = school_choice(programme)
    state = request.args.get("state", "")
    state = state if state in ("renewal_due", "lapsed") else ""
    page = mentors.pool(
        args,
        mentor_ids=None if scope.everything else scope.mentors(),
        school_id=choice.school.id if choice.school else None,
        certified_only=request.args.get("all") != "1",
        state=state,
    )
    return render_template(
        "coordination/mentors.html",
        page=page,
        args=args,
        programme=programme,
        school_choice=choice,
        state=state,
        window=renewal_window_days(),
        show_all=request.args.get("all") == "1",
    )


def _form(mentor: mentors.MentorProfile) -> MentorProfileForm:
    """The profile form; its home school comes from a school picker (`_home_choice`)."""
    return MentorProfileForm(
        data={
            "languages": ", ".join(mentor.language_list),
            "fields": ", ".join(mentor.field_list),
            "availability": mentor.availability,
            "min_helpers": mentor.min_helpers,
            "max_helpers": mentor.max_helpers,
        }
        if request.method == "GET"
        else None
    )


def _home_choice(mentor: mentors.MentorProfile) -> SchoolChoice:
    """The home school picker: what was sent, else the mentor's current home school."""
    if request.method == "POST" and ({"home_school_id", "home_school_id_q"} & set(request.form)):
        return school_choice(programme_in_view(), "home_school_id", request.form)
    home = mentor.home_school
    return SchoolChoice(home, org.school_label(home), []) if home else SchoolChoice(None, "", [])


@bp.route("/mentors/<int:mentor_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def mentor_detail(mentor_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """A mentor's profile (what the matcher uses), certificate and placements."""
    mentor = _mentor(mentor_id)
    form = _form(mentor)
    home = _home_choice(mentor)
    status = 200
    if request.method == "POST":
        status = 422
        if not form.validate_on_submit():
            flash(_("Check the highlighted fields."), "error")
        elif home.text and home.school is None:
            flash(_("Choose a school: type part of its name."), "error")
        else:
            try:
                mentors.update_profile(
                    mentor,
                    home_school_id=home.school.id if home.school else None,
                    languages=split_list(form.languages.data),
                    fields=split_list(form.fields.data),
                    availability=form.availability.data or "",
                    min_helpers=int(form.min_helpers.data or 0),
                    max_helpers=int(form.max_helpers.data or 0),
                )
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("coordination.mentor_detail", mentor_id=mentor.id))
    return _mentor_page(mentor, form, status, home=home)


def _mentor_page(
    mentor: mentors.MentorProfile,
    form: MentorProfileForm,
    status: int,
    choice: SchoolChoice | None = None,
    home: SchoolChoice | None = None,
) -> tuple[str, int]:
    """The mentor's page; a refused placement is explained here, with the way to renew."""
    programme = programme_in_view()
    placements = db.session.scalars(
        db.select(Placement)
        .options(joinedload(Placement.school))
        .where(Placement.mentor_id == mentor.id)
        .order_by(Placement.placed_at.desc())
    ).all()
    cert = certs.certificate_info(mentor.user_id)
    if choice is None:  # the place form starts at the mentor's own school
        own = mentor.home_school
        choice = SchoolChoice(own, org.school_label(own), []) if own else SchoolChoice(None, "", [])
    return render_template(
        "coordination/mentor.html",
        mentor=mentor,
        form=form,
        cert=cert,
        refusal=placement_refusal(cert),
        placements=placements,
        programme=programme,
        school_choice=choice,
        home_choice=home or _home_choice(mentor),
    ), status


@bp.post("/mentors/<int:mentor_id>/place")
@roles_required(Role.COORDINATOR)
def place(mentor_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Place at a school; a mentor who cannot be placed is told why on the same page."""
    mentor = _mentor(mentor_id)
    programme = programme_in_view()
    choice = school_choice(programme, "school_id", request.form)
    if placement_refusal(certs.certificate_info(mentor.user_id)) is not None:
        # 409 with the mentor's page: the reason, the date and the renewal path, not an error page.
        return _mentor_page(mentor, _form(mentor), 409, choice)
    if choice.school is None:
        if not choice.candidates:
            flash(_("Choose a school: type part of its name."), "error")
        return _mentor_page(mentor, _form(mentor), 422, choice)
    mentors.place(mentor, require_school(choice.school), actor())
    db.session.commit()
    flash(_("The mentor is placed at the school."), "success")
    return redirect(url_for("coordination.mentor_detail", mentor_id=mentor.id))


@bp.post("/placements/<int:placement_id>/end")
@roles_required(Role.COORDINATOR)
def end_placement(placement_id: int) -> WerkzeugResponse | tuple[str, int]:
    """End a placement (after a confirmation counting the helpers who lose their mentor)."""
    placement = db.session.get(Placement, placement_id)
    if placement is None or not current_scope().sees_school(placement.school):
        raise NotFound(_("This placement does not exist."))
    if not confirm.confirmed():
        name = placement.mentor.user.display_name
        return confirm.ask(
            _(
                "End %(mentor)s's placement at %(school)s?",
                mentor=name,
                school=placement.school.name,
            ),
            _("End the placement"),
            [
                _(
                    "%(mentor)s is no longer placed at %(school)s.",
                    mentor=name,
                    school=placement.school.name,
                ),
                _(
                    "%(n)s linked helpers at this school wait for a new mentor.",
                    n=mentors.helpers_at(placement),
                ),
            ],
            url_for("coordination.mentor_detail", mentor_id=placement.mentor_id),
        )
    freed = mentors.end_placement(placement, actor())
    db.session.commit()
    flash(_("Placement ended; %(n)s helpers now wait for a mentor.", n=freed), "success")
    return redirect(url_for("coordination.mentor_detail", mentor_id=placement.mentor_id))


@bp.get("/placements", endpoint="placements")
@roles_required(Role.COORDINATOR)
def placements_page() -> str:
    """Every current placement, a page at a time; those whose certificate runs out soon are
    flagged (and can be listed alone) before it happens. Reads only (see `renewal_job`)."""
    programme = programme_in_view()
    args = parse_args(request.args, tuple(placement_list.SORTS), "school", per_page=PER_PAGE)
    choice = school_choice(programme)
    status = request.args.get("status", "")
    f = placement_list.PlacementFilter(
        programme_id=programme.id if programme else 0,
        status=status if status in placement_list.STATUSES else "",
        centre_id=int_arg("centre"),
        school_id=choice.school.id if choice.school else None,
        centre_ids=current_scope().centres_of(programme.id) if programme else frozenset(),
    )
    return render_template(
        "coordination/placements.html",
        page=placement_list.placement_page(f, args),
        args=args,
        f=f,
        programme=programme,
        centres=org.centres(programme, f.centre_ids) if programme else [],
        school_choice=choice,
        window=renewal_window_days(),
    )


@bp.get("/me")
@login_required
def mentor_view() -> str:
    """A mentor's placements, linked helpers (least data) and certificate."""
    launch = require_launch()
    overview = mentor_overview(launch.user)
    db.session.commit()  # the audit rows of the helpers shown
    return render_template("coordination/mentor_view.html", o=overview, certs=certs)
