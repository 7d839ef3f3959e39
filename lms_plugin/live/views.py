"""Live sessions: trainers schedule dates and take attendance; trainees sign up; .ics per date."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import (
    CurrentLaunch,
    login_required,
    require_launch,
    roles_required,
)
from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.courses.availability import require_available
from lms_plugin.courses.content import Course, LiveSession, Module, localized
from lms_plugin.courses.rendering import render_markdown
from lms_plugin.courses.views import content_language, current_course
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.input_guard import parse_int
from lms_plugin.live import ics, services
from lms_plugin.live.access import (
    launch_context,
    teaches_context,
    trainee_occurrence,
    trainer_occurrence,
)
from lms_plugin.live.audit_text import mark_changes
from lms_plugin.live.forms import parse_occurrence, parse_register
from lms_plugin.live.listing import end_time, trainee_blocks, trainer_blocks, when
from lms_plugin.live.models import STATUSES, LiveOccurrence

bp = Blueprint("live", __name__, url_prefix="/live")


def _render(template: str, course: Course, status: int = 200, **context: Any) -> Any:
    lang = content_language(course)

    def t(texts: dict[str, str]) -> str:
        return localized(texts, lang, course.default_language)

    def summary(module: Module, session: LiveSession) -> Markup:
        """The session's summary (Markdown of the course) as safe HTML."""
        text = t(session.summary)
        return render_markdown(course, module, text, f"live:{session.id}:{lang}")

    page = render_template(
        template,
        course=course,
        t=t,
        summary=summary,
        when=when,
        end_time=end_time,
        statuses=STATUSES,
        **context,
    )
    return (page, status) if status != 200 else page


def _course_of(occurrence: LiveOccurrence) -> Course:
    course = current_course()
    if course.id != occurrence.course_id:
        raise DomainError(_("There is no such date."), status_code=404)
    return course


@bp.get("/")
@login_required
def index() -> Any:
    """Trainers: every session with its dates. Trainees: the dates they can sign up for."""
    launch = require_launch()
    course = current_course()
    if launch.is_trainer:
        context_pk = _taught_context(launch)
        return _render("live/trainer_index.html", course, blocks=trainer_blocks(context_pk, course))
    if launch.role != Role.TRAINEE:
        raise DomainError(_("Live sessions are for trainees and trainers."), status_code=403)
    now = utcnow()
    blocks, closed = trainee_blocks(launch.user.id, launch_context(launch), course, now)
    return _render("live/trainee_index.html", course, blocks=blocks, closed=closed, now=now)


def _session_choices(course: Course) -> list[tuple[str, str]]:
    lang = content_language(course)
    return [
        (
            f"{module.id}/{session.id}",
            f"{localized(module.title, lang)} – {localized(session.title, lang)}",
        )
        for module in course.modules
        for session in module.live_sessions
    ]


def _form_page(
    course: Course, occurrence: LiveOccurrence | None, values: dict[str, str], status: int = 200
) -> Any:
    return _render(
        "live/schedule.html",
        course,
        status,
        occurrence=occurrence,
        values=values,
        choices=_session_choices(course),
    )


def _values_of(occurrence: LiveOccurrence) -> dict[str, str]:
    local = services.to_local(occurrence.starts_at)
    return {
        "session": f"{occurrence.module_id}/{occurrence.session_id}",
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "duration": str(occurrence.duration_minutes),
        "place": occurrence.place,
        "online_url": occurrence.online_url,
        "capacity": str(occurrence.capacity),
        "note": occurrence.note,
    }


@bp.route("/schedule", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def schedule() -> Any:
    """Schedule a date of a declared session (make-up dates are further dates)."""
    launch = require_launch()
    course = current_course()
    context_pk = _taught_context(launch)
    if request.method == "GET":
        preset = request.args.get("session", "")
        return _form_page(course, None, {"session": preset, "duration": "180", "capacity": "16"})
    values = request.form.to_dict()
    try:
        data = parse_occurrence(request.form)
        services.schedule(launch.user, context_pk, course, data)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return _form_page(course, None, values, err.status_code)
    db.session.commit()
    flash(_("The date is scheduled."), "success")
    return redirect(url_for(".index"))


def _taught_context(launch: CurrentLaunch) -> int:
    context_pk = launch_context(launch)
    if not teaches_context(launch, context_pk):
        raise DomainError(_("You do not teach this Moodle course."), status_code=403)
    return context_pk


@bp.route("/dates/<int:occurrence_id>/edit", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def edit(occurrence_id: int) -> Any:
    """Change a date's time, place, link, capacity or note."""
    launch = require_launch()
    occurrence = trainer_occurrence(launch, occurrence_id)
    course = _course_of(occurrence)
    if request.method == "GET":
        return _form_page(course, occurrence, _values_of(occurrence))
    values = request.form.to_dict()
    try:
        services.update(occurrence, course, parse_occurrence(request.form))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return _form_page(course, occurrence, values, err.status_code)
    db.session.commit()
    flash(_("The date is updated."), "success")
    return redirect(url_for(".index"))


@bp.post("/dates/<int:occurrence_id>/cancel")
@roles_required(Role.TRAINER)
def cancel(occurrence_id: int) -> WerkzeugResponse:
    """Cancel a date (nobody is notified automatically yet)."""
    launch = require_launch()
    occurrence = trainer_occurrence(launch, occurrence_id)
    services.cancel(occurrence)
    db.session.commit()
    flash(
        _("The date is cancelled. Nobody is notified automatically: tell the trainees yourself."),
        "warning",
    )
    return redirect(url_for(".index"))


def _register_page(course: Course, occurrence: LiveOccurrence, status: int = 200) -> Any:
    people_ids = services.register_people(occurrence)
    users = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids or [0])))
    }
    marks = services.marks_of(occurrence.id)
    on_register = set(people_ids)
    others = [
        u
        for u in db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.context_pk == occurrence.context_pk,
                Membership.role == Role.TRAINEE.value,
                Membership.is_active.is_(True),
            )
            .order_by(User.family_name, User.name, User.id)
        )
        if u.id not in on_register
    ]
    module = course.module(occurrence.module_id)
    session = module.live_session(occurrence.session_id) if module else None
    return _render(
        "live/register.html",
        course,
        status,
        occurrence=occurrence,
        module=module,
        session=session,
        people=[users[i] for i in people_ids if i in users],
        marks=marks,
        others=others,
        changes=mark_changes(occurrence.id),
    )


@bp.route("/dates/<int:occurrence_id>/register", methods=["GET", "POST"])
@roles_required(Role.TRAINER)
def register(occurrence_id: int) -> Any:
    """The phone-sized register: present / late / excused / absent with a note per trainee."""
    launch = require_launch()
    occurrence = trainer_occurrence(launch, occurrence_id)
    course = _course_of(occurrence)
    if request.method == "GET":
        return _register_page(course, occurrence)
    try:
        changed = services.save_register(launch.user, occurrence, parse_register(request.form))
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return _register_page(course, occurrence, err.status_code)
    db.session.commit()
    flash(
        _("Attendance saved (%(num)d changed).", num=len(changed)) if changed else _("No change."),
        "success",
    )
    return redirect(url_for(".register", occurrence_id=occurrence.id))


@bp.post("/dates/<int:occurrence_id>/walk-in")
@roles_required(Role.TRAINER)
def walk_in(occurrence_id: int) -> WerkzeugResponse:
    """Add a trainee who came without signing up (marked present)."""
    launch = require_launch()
    occurrence = trainer_occurrence(launch, occurrence_id)
    user_id = parse_int(request.form.get("user_id", ""), minimum=1)
    if user_id is None:
        raise DomainError(_("Choose a trainee."))
    services.add_walk_in(launch.user, occurrence, user_id)
    db.session.commit()
    flash(_("The trainee is added and marked present."), "success")
    return redirect(url_for(".register", occurrence_id=occurrence.id))


def _trainee_target(occurrence_id: int) -> tuple[CurrentLaunch, Course, LiveOccurrence]:
    launch = require_launch()
    if launch.role != Role.TRAINEE:
        raise DomainError(_("Only trainees sign up for live sessions."), status_code=403)
    occurrence = trainee_occurrence(launch, occurrence_id)
    course = _course_of(occurrence)
    module = course.module(occurrence.module_id)
    if module is None or module.live_session(occurrence.session_id) is None:
        raise DomainError(_("There is no such date."), status_code=404)
    require_available(launch, course, module)  # the module must be open to sign up
    return launch, course, occurrence


@bp.post("/dates/<int:occurrence_id>/sign-up")
@login_required
def sign_up(occurrence_id: int) -> WerkzeugResponse:
    """Take a seat at a date."""
    launch, _course, occurrence = _trainee_target(occurrence_id)
    try:
        services.sign_up(launch.user.id, occurrence)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("You are signed up. Add the date to your calendar."), "success")
    return redirect(url_for(".index"))


@bp.post("/dates/<int:occurrence_id>/withdraw")
@login_required
def withdraw(occurrence_id: int) -> WerkzeugResponse:
    """Give the seat back."""
    launch = require_launch()
    if launch.role != Role.TRAINEE:
        raise DomainError(_("Only trainees sign up for live sessions."), status_code=403)
    occurrence = trainee_occurrence(launch, occurrence_id)
    try:
        services.cancel_signup(launch.user.id, occurrence)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("Your sign-up is cancelled."), "success")
    return redirect(url_for(".index"))


@bp.get("/dates/<int:occurrence_id>/calendar.ics")
@login_required
def calendar(occurrence_id: int) -> Response:
    """The date as an iCalendar file (UTC times, a stable UID per date)."""
    launch = require_launch()
    if launch.is_trainer:
        occurrence = trainer_occurrence(launch, occurrence_id)
    else:
        occurrence = trainee_occurrence(launch, occurrence_id)
    course = _course_of(occurrence)
    lang = content_language(course)
    module = course.module(occurrence.module_id)
    session = module.live_session(occurrence.session_id) if module else None
    if module is None or session is None:
        raise DomainError(_("There is no such date."), status_code=404)
    description = "\n\n".join(
        part for part in (localized(session.summary, lang), occurrence.note) if part
    )
    event = ics.CalendarEvent(
        uid=f"live-{occurrence.id}@{request.host}",
        starts_at=occurrence.starts_at,
        ends_at=services.ends_at(occurrence),
        summary=f"{localized(session.title, lang)} ({localized(course.title, lang)})",
        description=description,
        location=occurrence.place or occurrence.online_url,
        url=occurrence.online_url,
        cancelled=occurrence.is_cancelled,
        sequence=int(occurrence.updated_at.timestamp()) % 2_000_000_000,
    )
    body = ics.calendar(event, utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="session-{occurrence.id}.ics"',
            "Cache-Control": "private, no-store",
        },
    )
