"""Pages for student peer helpers; every read and change is audited."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination import confirm
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.mentors import services as mentors
from lms_plugin.coordination.models import BannedPair, PeerHelper, Programme, School
from lms_plugin.coordination.organisation import services as org
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import lists as helper_lists
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.coordination.peer_helpers.duplicates import possible_duplicates
from lms_plugin.coordination.peer_helpers.forms import HelperForm
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
from lms_plugin.errors import Conflict, DomainError, NotFound
from lms_plugin.i18n import select_locale
from lms_plugin.listing import parse_args
from lms_plugin.ops import erasure, idempotency
from lms_plugin.tabular import export_response

PER_PAGE = 100


def _programme() -> Programme:
    programme = programme_in_view()
    if programme is None:
        raise DomainError(_("Create a programme first."), status_code=409)
    return programme


def _helper(helper_id: int) -> PeerHelper:
    """The helper if at a school in the viewer's scope, else 404."""
    helper = peer_helpers.get_helper(helper_id)
    if not current_scope().sees_school(helper.school):
        raise NotFound(_("This peer helper does not exist."))
    return helper


def _filter(programme: Programme, school: School | None = None) -> helper_lists.HelperFilter:
    status = request.args.get("status", "")
    year = int_arg("year")
    return helper_lists.HelperFilter(
        programme_id=programme.id,
        centre_id=int_arg("centre"),
        school_id=school.id if school else int_arg("school"),
        status=status if status in ("waiting", "linked", "draft") else "",
        school_year=year if year and 9 <= year <= 14 else None,
        query=request.args.get("q", "").strip()[:100],
        centre_ids=current_scope().centres_of(programme.id),
    )


@bp.get("/helpers", endpoint="helpers")
@roles_required(Role.COORDINATOR)
def helpers_page() -> str:
    programme = _programme()
    choice = school_choice(programme)
    f = _filter(programme, choice.school)
    args = parse_args(request.args, tuple(helper_lists.HELPER_SORTS), "school", per_page=PER_PAGE)
    page = helper_lists.page(f, actor(), args)
    db.session.commit()
    return render_template(
        "coordination/helpers.html",
        page=page,
        args=args,
        f=f,
        programme=programme,
        centres=org.centres(programme, f.centre_ids),
        school_choice=choice,
    )


@bp.get("/helpers.csv")
@roles_required(Role.COORDINATOR)
def helpers_export() -> Response:
    """The filtered helpers for a spreadsheet: streamed CSV in the reader's convention, or
    `?format=xlsx` (the same endpoint, so the same audit: the export is audited first)."""
    f = _filter(_programme())
    helper_lists.audit_export(f, actor())
    db.session.commit()
    return export_response(
        "peer-helpers",
        helper_lists.export_columns(),
        helper_lists.export_rows(f),
        lang=select_locale(),
        fmt=request.args.get("format", "csv"),
    )


def _helper_form(
    programme: Programme, obj: object | None = None
) -> tuple[HelperForm, SchoolChoice]:
    """The helper form with its school resolved from the picker (id, else the typed text)."""
    form = HelperForm(obj=obj)
    if request.method == "POST":
        choice = school_choice(programme, "school_id", request.form)
    else:
        choice = school_choice(programme, "school")  # ?school=<id> from the helpers page
        if obj is not None and choice.school is None:
            choice = SchoolChoice(obj.school, org.school_label(obj.school), [])  # type: ignore[attr-defined]
    form.school_id.data = choice.school.id if choice.school else None
    return form, choice


@bp.route("/helpers/new", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def helper_new() -> str | WerkzeugResponse | tuple[str, int]:
    programme = _programme()
    form, choice = _helper_form(programme)
    form_token = request.form.get("form_token") or idempotency.new_token()
    duplicates: list[PeerHelper] = []
    status = 200
    valid = form.validate_on_submit()
    if valid and choice.school is None:
        form.school_id.errors = [_("Choose a school: type part of its name.")]
        valid = False
    if valid:
        try:
            school = require_school(org.get_school(form.school_id.data))
            data = form.data_object()
            # A double-click sends the form twice: the token lets only the first create.
            claimed = idempotency.claim(form_token, user_id=actor().id, kind="peer_helper")
            duplicates = possible_duplicates(school.id, data.school_year, data.display_name)
            if duplicates and request.form.get("confirm_duplicate") != "1":
                db.session.rollback()  # nothing saved, the token stays unused: they decide
                status = 409
            else:
                helper = peer_helpers.create(school, data, actor())
                idempotency.fulfil(claimed, helper.id)
        except idempotency.AlreadyDone as done:
            return _already_saved(done.object_id)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
            status = 422
        else:
            if status == 200:
                db.session.commit()
                flash(_("Peer helper saved."), "success")
                return redirect(url_for("coordination.helper_detail", helper_id=helper.id))
    elif request.method == "POST":
        flash(_("Check the highlighted fields."), "error")
        status = 422
    return render_template(
        "coordination/helper_form.html",
        form=form,
        programme=programme,
        helper=None,
        school_choice=choice,
        duplicates=duplicates if status == 409 else [],
        consent_age=peer_helpers.consent_age(),
        form_token=form_token,
    ), status


def _already_saved(helper_id: int | None) -> WerkzeugResponse:
    """The same form arrived again: show what the first one created instead of a duplicate."""
    if helper_id is None:
        raise Conflict(
            _(
                "This form was already sent and is still being saved, or saving it failed. "
                "Open the list of helpers to check before adding the helper again."
            )
        )
    flash(_("This helper was already saved (the form was sent twice)."), "info")
    return redirect(url_for("coordination.helper_detail", helper_id=helper_id), code=303)


@bp.route("/helpers/<int:helper_id>", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def helper_detail(helper_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """A helper's record, link and bans; viewing it is audited."""
    helper = _helper(helper_id)
    programme = org.get_programme(helper.school.programme_id)
    assert programme is not None
    form, _choice = _helper_form(programme, helper)
    form.consent_confirmed.data = form.consent_confirmed.data or request.method == "GET"
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                if form.school_id.data != helper.school_id:
                    raise DomainError(
                        _("A helper cannot move school; erase and add them again."), status_code=422
                    )
                peer_helpers.update(helper, form.data_object(), actor())
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
                status = 422
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("coordination.helper_detail", helper_id=helper.id))
        else:
            flash(_("Check the highlighted fields."), "error")
            status = 422
    helper = _helper(helper_id)
    audit.record(actor().id, audit.VIEW, helper.id, helper.school_id)
    link = linking.current_link(helper)
    banned = db.session.scalars(
        db.select(BannedPair.mentor_id).where(BannedPair.helper_id == helper.id)
    ).all()
    page = render_template(
        "coordination/helper.html",
        helper=helper,
        form=form,
        programme=programme,
        link=link,
        choices=linking.mentor_choices(helper.school_id),
        banned=set(banned),
        consent_age=peer_helpers.consent_age(),
    )
    db.session.commit()
    return page, status


def _mentor_from_form() -> mentors.MentorProfile:
    mentor_id = int_arg("mentor_id", request.form)
    if mentor_id is None:
        raise DomainError(_("Choose a mentor."), status_code=422)
    mentor = mentors.get_mentor(mentor_id)
    if not current_scope().sees_mentor(mentor.id):
        raise NotFound(_("This mentor does not exist."))
    return mentor


@bp.post("/helpers/<int:helper_id>/link")
@roles_required(Role.COORDINATOR)
def helper_link(helper_id: int) -> WerkzeugResponse:
    helper = _helper(helper_id)
    linking.link(helper, _mentor_from_form(), actor())
    db.session.commit()
    flash(_("Linked to the mentor."), "success")
    return redirect(url_for("coordination.helper_detail", helper_id=helper_id))


@bp.post("/helpers/<int:helper_id>/unlink")
@roles_required(Role.COORDINATOR)
def helper_unlink(helper_id: int) -> WerkzeugResponse | tuple[str, int]:
    """End a helper's link to their mentor (after a confirmation naming both)."""
    helper = _helper(helper_id)
    back = url_for("coordination.helper_detail", helper_id=helper_id)
    if not confirm.confirmed():
        link = linking.current_link(helper)
        if link is None:
            raise DomainError(_("This helper is not linked to a mentor."), status_code=409)
        mentor = link.mentor.user.display_name
        return confirm.ask(
            _("Unlink %(helper)s from %(mentor)s?", helper=helper.display_name, mentor=mentor),
            _("Unlink %(helper)s", helper=helper.display_name),
            [
                _(
                    "%(helper)s waits for a mentor again (the matcher may propose one).",
                    helper=helper.display_name,
                ),
                _("%(mentor)s has one helper fewer.", mentor=mentor),
            ],
            back,
        )
    linking.unlink(helper, actor())
    db.session.commit()
    flash(_("The helper waits for a mentor again."), "success")
    return redirect(back)


@bp.post("/helpers/<int:helper_id>/ban")
@roles_required(Role.COORDINATOR)
def helper_ban(helper_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Never link this pair (after a confirmation naming both)."""
    helper = _helper(helper_id)
    mentor = _mentor_from_form()
    back = url_for("coordination.helper_detail", helper_id=helper_id)
    if not confirm.confirmed():
        name = mentor.user.display_name
        effects = [
            _(
                "%(helper)s and %(mentor)s will never be linked, by hand or by the matcher.",
                helper=helper.display_name,
                mentor=name,
            )
        ]
        link = linking.current_link(helper)
        if link is not None and link.mentor_id == mentor.id:
            effects.append(
                _(
                    "Their current link is removed; %(helper)s waits for a mentor again.",
                    helper=helper.display_name,
                )
            )
        return confirm.ask(
            _("Ban the pair %(helper)s – %(mentor)s?", helper=helper.display_name, mentor=name),
            _("Ban this pair"),
            effects,
            back,
        )
    linking.ban(helper, mentor, actor())
    db.session.commit()
    flash(_("This pair will never be linked."), "success")
    return redirect(back)


@bp.post("/helpers/<int:helper_id>/erase")
@roles_required(Role.COORDINATOR)
def helper_erase(helper_id: int) -> WerkzeugResponse:
    """Erasure on request: nothing identifying remains."""
    helper = _helper(helper_id)
    if request.form.get("confirm") != "yes":
        raise DomainError(_("Tick the box to confirm the erasure."), status_code=422)
    programme_id = helper.school.programme_id
    peer_helpers.erase(helper, actor())
    # Backups are rewritten without the helper by a background job; the WAL is emptied now.
    erasure.forget_helpers([helper_id], owner_id=actor().id)
    db.session.commit()
    erasure.purge_database_traces()
    flash(_("The helper's data was erased."), "success")
    return redirect(url_for("coordination.helpers", programme=programme_id))
