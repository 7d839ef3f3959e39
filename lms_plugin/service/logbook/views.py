"""The mentor's logbook pages: the year, a training session, a meeting, a monthly summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import login_required, require_launch
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.service import choices
from lms_plugin.service.forms import MeetingForm, PlainForm, SessionForm
from lms_plugin.service.logbook import services as logbook
from lms_plugin.service.mentor import MentorDesk, desk_of
from lms_plugin.service.web import bp, desk, int_arg

Page = str | tuple[str, int] | WerkzeugResponse


@bp.get("/", endpoint="logbook")
@login_required
def logbook_page() -> str:
    """The mentor's year: sessions against the eight-session plan, meetings, summaries."""
    mentor = desk_of(require_launch().user)
    wanted = request.args.get("year", "")
    school_year = wanted if choices.year_bounds(wanted) else choices.school_year_of(date.today())
    log = logbook.year_log(mentor, school_year) if mentor is not None else None
    return render_template(
        "service/logbook.html", desk=mentor, log=log, choices=choices, school_year=school_year
    )


def _school_choices(form: SessionForm | MeetingForm, mentor: MentorDesk) -> None:
    form.school_id.choices = [(s.id, s.name) for s in mentor.schools]


def _saved_or_form(template: str, form: object, warning: bool, status: int) -> tuple[str, int]:
    return render_template(template, form=form, name_warning=warning, choices=choices), status


def _log_entry(template: str, form: Any, save: Callable[[], object], saved: str) -> Page:
    """The shared path of the logbook forms: show, validate, save (a note naming a student is a
    warning the mentor confirms), then back to the logbook."""
    if request.method == "GET":
        return _saved_or_form(template, form, False, 200)
    if not form.validate_on_submit():
        return _saved_or_form(template, form, False, 422)
    try:
        save()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        warning = isinstance(err, logbook.NameWarning)
        return _saved_or_form(template, form, warning, err.status_code)
    db.session.commit()
    flash(saved, "success")
    return redirect(url_for("service.logbook"), code=303)


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def session_new() -> Page:
    """Log a helper-training session (phone first)."""
    mentor = desk()
    form = SessionForm()
    _school_choices(form, mentor)
    form.helpers.choices = [(h.id, f"{h.display_name} ({h.school_year}.)") for h in mentor.helpers]
    return _log_entry(
        "service/session_form.html",
        form,
        lambda: logbook.log_session(
            mentor,
            school_id=form.school_id.data,
            held_on=form.held_on.data,
            topic=form.topic.data,
            minutes=form.minutes.data,
            helper_ids=form.helpers.data or [],
            note=form.note.data or "",
            confirmed=bool(form.confirm_no_names.data),
        ),
        _("Training session saved."),
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new() -> Page:
    """Log a supervision or case-discussion meeting: counts and themes, no students."""
    mentor = desk()
    form = MeetingForm()
    _school_choices(form, mentor)
    return _log_entry(
        "service/meeting_form.html",
        form,
        lambda: logbook.log_meeting(
            mentor,
            school_id=form.school_id.data,
            held_on=form.held_on.data,
            format=form.format.data,
            cases=form.cases.data,
            themes=form.themes.data or [],
            note=form.note.data or "",
            confirmed=bool(form.confirm_no_names.data),
        ),
        _("Meeting saved."),
    )


def _counts(form_data: dict[str, str]) -> dict[tuple[str, str], int] | None:
    """The grid's counts; None when a cell is not a whole number 0–999."""
    counts: dict[tuple[str, str], int] = {}
    for kind in choices.KINDS:
        for theme in choices.THEMES:
            raw = (form_data.get(f"c_{kind}_{theme}") or "0").strip() or "0"
            if not (raw.isascii() and raw.isdigit()) or int(raw) > logbook.MAX_COUNT:
                return None
            counts[(kind, theme)] = int(raw)
    return counts


@bp.route("/summary", methods=["GET", "POST"])
@login_required
def summary() -> Page:
    """The helpers' monthly activity summary: contacts by kind and theme, counts only."""
    mentor = desk()
    school = mentor.school(int_arg("school")) or mentor.schools[0]
    month = logbook.first_of_month(request.values.get("month", "")) or date.today().replace(day=1)
    form = PlainForm()
    status = 200
    counts = logbook.summary_of(mentor, school.id, month)
    if request.method == "POST":
        status = 422
        parsed = _counts(request.form.to_dict())
        if not form.validate_on_submit():
            flash(_("The form expired. Please send it again."), "error")
        elif parsed is None:
            flash(_("Counts are between 0 and %(max)d.", max=logbook.MAX_COUNT), "error")
        else:
            try:
                logbook.save_summary(mentor, school_id=school.id, month=month, counts=parsed)
            except DomainError as err:
                db.session.rollback()
                flash(err.message, "error")
                status = err.status_code
            else:
                db.session.commit()
                flash(_("Monthly summary saved."), "success")
                return redirect(url_for("service.logbook"), code=303)
    return render_template(
        "service/summary_form.html",
        form=form,
        desk=mentor,
        school=school,
        month=month,
        counts=counts,
        choices=choices,
    ), status
