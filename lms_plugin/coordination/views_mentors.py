"""Pages for the mentor pool and placements."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination import certs, mentors, org
from lms_plugin.coordination.forms import MentorProfileForm, split_list
from lms_plugin.coordination.models import Placement, Programme, School
from lms_plugin.coordination.scope import current_scope, require_school
from lms_plugin.coordination.web import actor, bp, int_arg, page_arg, programme_in_view
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound

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
    """Every certified teacher is in the pool; placements show their renewal state."""
    mentors.sync_mentor_pool()
    mentors.refresh_renewal_flags()
    db.session.commit()
    programme = programme_in_view()
    page = page_arg()
    scope = current_scope()
    rows, total = mentors.pool(
        mentor_ids=None if scope.everything else scope.mentors(),
        school_id=int_arg("school"),
        query=request.args.get("q", "").strip(),
        certified_only=request.args.get("all") != "1",
        page=page,
        per_page=PER_PAGE,
    )
    return render_template(
        "coordination/mentors.html",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
        programme=programme,
        schools=_schools(programme),
        school_id=int_arg("school"),
        q=request.args.get("q", ""),
        show_all=request.args.get("all") == "1",
    )


def _form(mentor: mentors.MentorProfile) -> MentorProfileForm:
    form = MentorProfileForm(
        data={
            "home_school_id": mentor.home_school_id or 0,
            "languages": ", ".join(mentor.language_list),
            "fields": ", ".join(mentor.field_list),
            "availability": mentor.availability,
            "min_helpers": mentor.min_helpers,
            "max_helpers": mentor.max_helpers,
        }
        if request.method == "GET"
        else None
    )
    programme = programme_in_view()
    choices = [(0, _("— none —"))]
    if programme:
        choices += [(s.id, f"{s.name} ({s.municipality})") for s in _schools(programme)]
    if mentor.home_school_id and mentor.home_school_id not in {c[0] for c in choices}:
        home = mentor.home_school
        choices.append((mentor.home_school_id, home.name if home else str(mentor.home_school_id)))
    form.home_school_id.choices = choices
    return form


@bp.route("/mentors/<int:mentor_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def mentor_detail(mentor_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """A mentor's profile (what the matcher uses), certificate and placements."""
    mentor = _mentor(mentor_id)
    form = _form(mentor)
    status = 200
    if request.method == "POST":
        status = 422
        if not form.validate_on_submit():
            flash(_("Check the highlighted fields."), "error")
        else:
            try:
                mentors.update_profile(
                    mentor,
                    home_school_id=form.home_school_id.data or None,
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
    programme = programme_in_view()
    placements = db.session.scalars(
        db.select(Placement)
        .where(Placement.mentor_id == mentor.id)
        .order_by(Placement.placed_at.desc())
    ).all()
    return render_template(
        "coordination/mentor.html",
        mentor=mentor,
        form=form,
        cert=certs.certificate_info(mentor.user_id),
        placements=placements,
        schools=_schools(programme),
        programme=programme,
    ), status


@bp.post("/mentors/<int:mentor_id>/place")
@roles_required(Role.COORDINATOR)
def place(mentor_id: int) -> WerkzeugResponse:
    """Place at a school; refused with the reason without a valid certificate."""
    mentor = _mentor(mentor_id)
    school_id = int_arg("school_id", request.form)
    if school_id is None:
        raise DomainError(_("Choose a school."), status_code=422)
    mentors.place(mentor, require_school(org.get_school(school_id)), actor())
    db.session.commit()
    flash(_("The mentor is placed at the school."), "success")
    return redirect(url_for("coordination.mentor_detail", mentor_id=mentor.id))


@bp.post("/placements/<int:placement_id>/end")
@roles_required(Role.COORDINATOR)
def end_placement(placement_id: int) -> WerkzeugResponse:
    placement = db.session.get(Placement, placement_id)
    if placement is None or not current_scope().sees_school(placement.school):
        raise NotFound(_("This placement does not exist."))
    freed = mentors.end_placement(placement, actor())
    db.session.commit()
    flash(_("Placement ended; %(n)s helpers now wait for a mentor.", n=freed), "success")
    return redirect(url_for("coordination.mentor_detail", mentor_id=placement.mentor_id))
