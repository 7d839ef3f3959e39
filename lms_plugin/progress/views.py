"""Progress pages: the trainee's dashboard, heartbeats, the trainer's cohort view and overrides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from functools import cache

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin import providers
from lms_plugin.accounts.current import (
    CurrentLaunch,
    login_required,
    require_launch,
    roles_required,
)
from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.courses.content import CREDIT_KINDS, localized
from lms_plugin.courses.time_on_task import remaining_seconds, remaining_text
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.i18n import day_formatter, select_locale
from lms_plugin.progress import labels, services
from lms_plugin.progress.audit_text import audit_lines
from lms_plugin.progress.cohort import CohortQuery, cohort, cohort_total
from lms_plugin.progress.cohort_cells import row_cells
from lms_plugin.progress.timekeeping import BEAT_SECONDS, IDLE_SECONDS, record_heartbeat
from lms_plugin.tabular import Column, export_response

bp = Blueprint("progress", __name__, url_prefix="/progress")
# Progress codes as words on every page (progress/labels.py).
bp.add_app_template_global(labels.module_status_label, "module_status_label")
bp.add_app_template_global(labels.evidence_state_label, "evidence_state_label")


def _course():  # type: ignore[no-untyped-def]
    from lms_plugin.courses.content import all_courses

    courses = all_courses()
    if not courses:
        abort(404)
    return courses[0]


@bp.get("/")
@login_required
def dashboard() -> str:
    """Where the trainee stands: modules, hours, next step, waiting items, certificate."""
    launch = require_launch()
    course = _course()
    progress = services.course_progress(launch.user.id, course)
    overview = providers.certificate_overview(launch.user.id, course, progress)
    return render_template(
        "progress/dashboard.html",
        course=course,
        progress=progress,
        certificate=overview["certificate"],
        missing=overview["missing"],
    )


@bp.post("/heartbeat")
@login_required
def heartbeat() -> tuple[Response, int]:
    """One beat from a page: {module_id, lesson_id?, visible, idle}. JSON in, JSON out.

    On a lesson page the answer also says how much active time the lesson still needs
    (`remaining_seconds`, `remaining_text`): the page unlocks "Mark as complete" without a reload.
    """
    launch = require_launch()
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("module_id"), str):
        return jsonify(
            {"error": "bad_request", "message": "Send JSON with module_id, visible and idle."}
        ), 400
    course = _course()
    module_id = data["module_id"][:64]
    module = course.module(module_id)
    if module is None:
        return jsonify({"error": "unknown_module", "message": "No such module."}), 404
    lesson_id = data.get("lesson_id")
    lesson = module.lesson(lesson_id) if isinstance(lesson_id, str) else None
    if lesson_id is not None and lesson is None:
        message = "No such lesson in this module."
        return jsonify({"error": "unknown_lesson", "message": message}), 404
    credited = record_heartbeat(
        launch.user.id,
        course.id,
        module_id,
        utcnow(),
        visible=bool(data.get("visible", True)),
        idle=bool(data.get("idle", False)),
        lesson_id=lesson.id if lesson else None,
    )
    body: dict[str, object] = {
        "credited": credited,
        "beat_seconds": BEAT_SECONDS,
        "idle_seconds": IDLE_SECONDS,
    }
    crossed = False
    if lesson is not None:
        remaining = remaining_seconds(launch.user.id, course, lesson)
        crossed = bool(credited) and remaining == 0 and remaining + credited > 0
        body["remaining_seconds"] = remaining
        body["remaining_text"] = remaining_text(remaining) if remaining else ""
    if credited and (module.min_active_minutes or crossed):
        services.on_progress_event(launch.user.id, course.id)
    db.session.commit()
    return jsonify(body), 200


def _cohort_query(launch: CurrentLaunch, course_id: str) -> CohortQuery:
    if launch.context_pk is None:
        raise DomainError(_("Open this page from a Moodle course."), status_code=400)
    return CohortQuery(
        context_pk=launch.context_pk,
        course_id=course_id,
        sort=request.args.get("sort", "name"),
        descending=request.args.get("dir") == "desc",
        search=request.args.get("q", "").strip()[:100] or None,
        only_stalled=request.args.get("stalled") == "1",
        module_id=request.args.get("module") or None,
        module_status=request.args.get("status") or None,
        stalled_days=int(current_app.config["STALLED_DAYS"]),
    )


@bp.get("/cohort", endpoint="cohort")
@roles_required(Role.TRAINER)
def cohort_page() -> str:
    """Every trainee of the course the trainer launched from, against every module."""
    launch = require_launch()
    course = _course()
    query = replace(_cohort_query(launch, course.id), page=_page(), per_page=COHORT_PAGE)
    total = cohort_total(query)
    pages = max(1, -(-total // COHORT_PAGE))
    if query.page > pages:
        query = replace(query, page=pages)
    rows = cohort(query)
    # the same few numbers (hours, quiz scores) recur in every row: format each once
    decimal = cache(format_decimal)
    return render_template(
        "progress/cohort.html",
        course=course,
        rows=rows,
        query=query,
        total=total,
        pages=pages,
        format_decimal=decimal,
        format_date=day_formatter(),  # last activity: a hundred dates, a few distinct days
        cells=row_cells([m.id for m in course.modules], decimal),
    )


COHORT_PAGE = 100  # trainees per page of the matrix


def _page() -> int:
    """The page asked for (1 when missing or not a small positive number)."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0 else 1


@bp.get("/cohort.csv")
@roles_required(Role.TRAINER)
def cohort_csv() -> Response:
    """The matrix for a spreadsheet, in the trainer's language: CSV with the locale's separator
    (`?format=xlsx`: the same table as .xlsx), one row per trainee, each module's status, best
    knowledge-check score and active minutes; times in the programme's zone, named in the header."""
    launch = require_launch()
    course = _course()
    lang = select_locale()
    rows = cohort(_cohort_query(launch, course.id))
    kinds = {
        "online": _("online"),
        "assignment": _("assignment"),
        "live": _("live"),
        "practicum": _("practicum"),
    }
    columns = [
        Column(_("Name")),
        Column(_("Launched")),
        Column(_("Hours credited")),
        Column(_("Active minutes")),
        Column(_("Modules complete")),
        Column(_("Last activity"), is_time=True),
        Column(_("Stalled")),
        *(Column(_("Hours: %(kind)s", kind=kinds.get(kind, kind))) for kind in CREDIT_KINDS),
        Column(_("Modules completed with little active time")),
    ]
    for number, module in enumerate(course.modules, start=1):
        title = localized(module.title, lang)
        columns += [
            Column(_("%(n)s. %(title)s: status", n=number, title=title)),
            Column(_("%(n)s. %(title)s: knowledge check score", n=number, title=title)),
            Column(_("%(n)s. %(title)s: active minutes", n=number, title=title)),
        ]

    def lines() -> Iterator[list[object]]:
        for row in rows:
            line: list[object] = [
                row.name,
                row.has_launched,
                float(row.hours),
                row.active_seconds // 60,
                row.modules_complete,
                row.last_activity_at,
                row.stalled,
                *(float(row.hours_by_kind.get(kind, 0)) for kind in CREDIT_KINDS),
                row.little_time_modules,
            ]
            for module in course.modules:
                summary = row.modules.get(module.id)
                line += [
                    labels.module_status_label(summary.status if summary else "locked"),
                    float(summary.quiz_best) if summary and summary.quiz_best is not None else None,
                    (summary.active_seconds // 60) if summary else 0,
                ]
            yield line

    return export_response(
        "cohort", columns, lines(), lang=lang, fmt=request.args.get("format", "csv")
    )


def _trainee_of_context(launch: CurrentLaunch, user_id: int) -> User:
    member = db.session.scalar(
        select(Membership).where(
            Membership.context_pk == launch.context_pk,
            Membership.user_id == user_id,
            Membership.role == Role.TRAINEE.value,
        )
    )
    user = db.session.get(User, user_id) if member else None
    if user is None:
        abort(404)
    return user


@bp.get("/trainee/<int:user_id>")
@roles_required(Role.TRAINER)
def trainee(user_id: int) -> str:
    """One trainee in detail, with the trainer's actions and the audit log."""
    launch = require_launch()
    user = _trainee_of_context(launch, user_id)
    course = _course()
    progress = services.compute(user.id, course)  # the evidence as of now, not the snapshot
    audits = audit_lines(services.audit_log([user.id], course.id), course)
    return render_template(
        "progress/trainee.html",
        course=course,
        trainee=user,
        progress=progress,
        audits=audits,
        today=date.today(),
    )


@bp.post("/trainee/<int:user_id>/complete")
@roles_required(Role.TRAINER)
def mark_complete(user_id: int) -> WerkzeugResponse:
    """Mark a module complete with a reason (audited)."""
    launch = require_launch()
    user = _trainee_of_context(launch, user_id)
    course = _course()
    module_id = request.form.get("module_id", "")
    if module_id not in {m.id for m in course.modules}:
        raise DomainError(_("Choose a module."))
    try:
        services.mark_module_complete(
            launch.user, user.id, course, module_id, request.form.get("reason", "")
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("progress.trainee", user_id=user.id))
    db.session.commit()
    flash(_("Module marked complete."), "success")
    return redirect(url_for("progress.trainee", user_id=user.id))
