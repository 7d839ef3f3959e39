"""Trainer pages: queue, grading page, allocation, bulk release with confirmation, CSV export."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import CurrentLaunch, require_launch, roles_required
from lms_plugin.accounts.models import Role, User
from lms_plugin.courses.content import all_courses
from lms_plugin.db import db
from lms_plugin.errors import Conflict, DomainError
from lms_plugin.grading import comments, corrections, export, navigation, queue, rules, workflow
from lms_plugin.grading.access import (
    is_trainer_of,
    markable_submission,
    may_mark,
    viewable_submission,
)
from lms_plugin.grading.field_errors import field_messages
from lms_plugin.grading.forms import parse_ids, parse_marking
from lms_plugin.grading.markup import content_language, render_answer
from lms_plugin.grading.models import PASS, READY, RELEASED, Grade, Submission
from lms_plugin.grading.release import delivery_of, release
from lms_plugin.grading.services import attempts, find_assignment
from lms_plugin.grading.views import bp, page
from lms_plugin.input_guard import int_or, parse_int
from lms_plugin.tabular import export_response


def _context(launch: CurrentLaunch) -> int:
    if launch.context_pk is None:
        raise DomainError(_("Open the grading page from your Moodle course."))
    return launch.context_pk


def _lang() -> str:
    courses = all_courses()
    return content_language(courses[0]) if courses else "hu"


@bp.get("/", endpoint="queue")
@roles_required(Role.TRAINER)
def queue_page() -> str:
    """Submitted work of this course's trainees: searched, filtered, sorted and paged."""
    launch = require_launch()
    query = queue.filter_from_args(request.args, _context(launch), launch.user.id)
    assignments = {
        m.assignment.id: (c, m, m.assignment)
        for c in all_courses()
        for m in c.modules
        if m.assignment
    }
    assignments.update(  # practicum journals are marked here too (kind "journal")
        {
            m.journal.id: (c, m, m.journal.assignment)
            for c in all_courses()
            for m in c.modules
            if m.journal
        }
    )
    found = queue.queue_page(query)
    return page(
        "grading/queue.html",
        _lang(),
        rows=found.items,
        found=found,
        query=query,
        keep=queue.filter_args(query, page=False),
        view=queue.filter_args(query),
        assignments=assignments,
        statuses=queue.STATUSES,
        waiting_days=queue.WAITING_DAYS,
        trainers=queue.markers(query.context_pk),
        modules=[
            (m.id, m.title) for c in all_courses() for m in c.modules if m.assignment or m.journal
        ],
        not_in_moodle=_not_in_moodle(launch.context_pk),
    )


def _not_in_moodle(context_pk: int | None) -> int:
    from lms_plugin.lti.delivery_views import not_in_moodle

    return not_in_moodle(context_pk)


@bp.app_template_global("revision_reasons")
def revision_reasons(assignment: Any, grade: Any) -> list[rules.Reason]:
    """For the templates: what stops this (released) grade from passing."""
    return rules.grade_reasons(assignment, grade) if assignment is not None else []


@bp.app_template_global("trigger_title")
def trigger_title(trigger: Any, lang: str) -> str:
    """For the templates: a revision trigger's name in the page language."""
    return rules.trigger_title(trigger, lang)


@bp.app_template_global("trigger_description")
def trigger_description(trigger: Any, lang: str) -> str:
    """For the templates: what a revision trigger means."""
    return rules.trigger_description(trigger, lang)


def render_grading_page(
    launch: CurrentLaunch,
    submission: Submission,
    *,
    typed: workflow.Marking | None = None,
    conflict: bool = False,
    typed_reason: str = "",
    errors: dict[str, str] | None = None,
    summary: str = "",
) -> str:
    """The grading page: the submission beside the rubric, with the correction panel; the
    previous / next links and "save and show next" stay within the queue view in the URL."""
    located = find_assignment(submission.assignment_id)
    lang = content_language(located.course)
    grade = submission.grade
    can_mark = may_mark(launch, submission)
    total = (
        workflow.compute_total(located.assignment, typed.levels, typed.points)
        if typed
        else (grade.total if grade else 0)
    )
    reasons = (
        rules.reasons(located.assignment, typed.levels, typed.triggers)
        if typed
        else rules.grade_reasons(located.assignment, grade)
    )
    context_trainers = queue.markers(submission.context_pk) if can_mark else []
    suggested = workflow.suggest_outcome(
        located.assignment, total, submission.attempt, blocked=bool(reasons)
    )
    return page(
        "grading/grade.html",
        lang,
        s=submission,
        a=located.assignment,
        grade=grade,
        typed=typed,
        trainee=db.session.get(User, submission.user_id),
        answer=render_answer(submission.text),
        history=[
            h for h in attempts(submission.user_id, submission.assignment_id) if h.state != "draft"
        ],
        can_mark=can_mark and (grade is None or grade.state != RELEASED),
        is_marker=can_mark,
        total=total,
        suggested=suggested,
        reasons=reasons,
        last_attempt=workflow.is_last_attempt(located.assignment, submission.attempt),
        delivery=delivery_of(submission) if grade and grade.release_count else None,
        bank=comments.bank(launch.user) if can_mark else [],
        markers=context_trainers,
        released=RELEASED,
        ready=READY,
        conflict=conflict,
        correction=corrections.panel(launch, submission, can_mark),
        typed_reason=typed_reason,
        errors=errors or {},
        summary=summary,
        nav=navigation.around(launch, submission) if can_mark else None,
        view=navigation.view_args(),
    )


@bp.get("/submissions/<int:submission_id>")
@roles_required(Role.TRAINER, Role.COORDINATOR)
def grade_page(submission_id: int) -> str:
    """The submission beside the rubric; read-only for coordinators and after release."""
    launch = require_launch()
    return render_grading_page(launch, viewable_submission(launch, submission_id))


@bp.post("/submissions/<int:submission_id>/grade")
@roles_required(Role.TRAINER)
def save_grade(submission_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """Save (in progress) or mark ready; a stale version is a 409 with the marker's input kept."""
    launch = require_launch()
    submission = markable_submission(launch, submission_id)
    located = find_assignment(submission.assignment_id)
    marking = parse_marking(request.form, located.assignment)
    action = request.form.get("action", "save")
    # "Save, mark ready and show next": the next one in the view as it was before this save
    # (a submission that leaves the view by being marked must not make the list skip one).
    following = navigation.next_after(launch, submission) if action == "ready-next" else None
    try:
        workflow.save_grade(
            launch.user,
            submission,
            located.assignment,
            marking,
            mark_ready=action in ("ready", "ready-next"),
        )
    except DomainError as err:
        db.session.rollback()
        submission = markable_submission(launch, submission_id)
        errors = field_messages(err)
        if not errors:  # a refusal of the whole form: at the top; else beside each field
            flash(err.message, "error")
        status = 409 if isinstance(err, Conflict) else err.status_code
        try:
            return render_grading_page(
                launch,
                submission,
                typed=marking,
                conflict=status == 409,
                errors=errors,
                summary=err.message if errors else "",
            ), status
        except DomainError:  # the typed levels themselves were invalid: show the stored grade
            flash(err.message, "error")
            return render_grading_page(launch, submission), status
    db.session.commit()
    if action == "ready-next":
        flash(_("Saved and marked ready for release."), "success")
        if following is None:
            flash(_("That was the last submission in this list."), "info")
        return redirect(navigation.next_url(following))
    if action == "ready":
        flash(
            _("Saved and marked ready for release. The trainee sees nothing until it is released."),
            "success",
        )
    else:
        flash(_("Saved. The trainee sees nothing until the grade is released."), "success")
    return redirect(
        url_for("grading.grade_page", submission_id=submission_id, **navigation.view_args())
    )


@bp.post("/submissions/<int:submission_id>/reopen")
@roles_required(Role.TRAINER)
def reopen(submission_id: int) -> WerkzeugResponse:
    """Ready → in progress."""
    launch = require_launch()
    submission = markable_submission(launch, submission_id)
    version = int_or(request.form.get("version") or "0", -1)  # -1 never matches: stale
    workflow.reopen(launch.user, submission, version)
    db.session.commit()
    flash(_("The grade is back in progress."), "success")
    return redirect(url_for("grading.grade_page", submission_id=submission_id))


@bp.post("/submissions/<int:submission_id>/allocate")
@roles_required(Role.TRAINER)
def allocate(submission_id: int) -> WerkzeugResponse:
    """Give the submission to a trainer of its course (or to nobody)."""
    launch = require_launch()
    submission = markable_submission(launch, submission_id)
    value = request.form.get("marker_id", "")
    marker = None
    if value:
        marker_id = parse_int(value)
        marker = db.session.get(User, marker_id) if marker_id is not None else None
        if marker is None or not is_trainer_of(marker.id, submission.context_pk):
            raise DomainError(_("Choose a trainer of this course."), status_code=422)
    workflow.allocate(launch.user, submission, marker)
    db.session.commit()
    flash(
        _("Allocated to %(name)s.", name=marker.display_name)
        if marker
        else _("Allocation removed."),
        "success",
    )
    return redirect(back_to(url_for("grading.grade_page", submission_id=submission_id)))


def _ready_grades(launch: CurrentLaunch, ids: list[int]) -> list[Grade]:
    if not ids:
        return []
    query = select(Submission).where(Submission.id.in_(ids)).order_by(Submission.id)
    rows = db.session.scalars(query)
    return [
        s.grade
        for s in rows
        if may_mark(launch, s) and s.grade is not None and s.grade.state == READY
    ]


@bp.get("/release")
@roles_required(Role.TRAINER)
def confirm_release() -> str | WerkzeugResponse:
    """The confirmation step: which ready grades will reach the trainees and Moodle."""
    launch = require_launch()
    grades = _ready_grades(launch, parse_ids(request.args.getlist("ids")))
    if not grades:
        flash(_("Select at least one grade that is ready for release."), "warning")
        return redirect(url_for("grading.queue", status="ready"))
    people = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_([g.submission.user_id for g in grades]))
        )
    }
    return page(
        "grading/confirm_release.html", _lang(), grades=grades, people=people, find=find_assignment
    )


@bp.post("/release")
@roles_required(Role.TRAINER)
def release_grades() -> WerkzeugResponse:
    """Release the confirmed grades: trainees see them, scores go to the Moodle gradebook."""
    launch = require_launch()
    if request.form.get("confirm") != "yes":
        raise DomainError(_("Confirm the release first."), status_code=400)
    wanted = parse_ids(request.form.getlist("ids"))
    grades = _ready_grades(launch, wanted)
    certified = {g.id for g in grades if corrections.certificate_at_stake(g.submission)}
    result = release(launch.user, grades)
    db.session.commit()
    for grade in result.released:
        if grade.id in certified and grade.outcome != PASS:
            flash(corrections.certificate_warning(grade.submission.user_id), "warning")
    flash(
        ngettext("%(num)d grade released.", "%(num)d grades released.", len(result.released)),
        "success",
    )
    if len(result.released) < len(wanted):
        flash(
            _("Some selected grades were not released because they are no longer ready."), "warning"
        )
    return redirect(url_for("grading.queue"))


@bp.get("/export.csv")
@roles_required(Role.TRAINER, Role.COORDINATOR)
def export_csv() -> Response:
    """Per-criterion export of this course's graded submissions: CSV, or .xlsx with
    `?format=xlsx` (the same endpoint, so the same access rule)."""
    launch = require_launch()
    lang = _lang()
    columns, rows = export.export_table(_context(launch), lang, request.args.get("assignment", ""))
    return export_response(
        "grades-per-criterion",
        columns,
        rows,
        lang=lang,
        fmt=request.args.get("format", "csv"),
    )


def back_to(default: str | None = None) -> str:
    """The local page to return to (never another site)."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default or url_for("grading.queue")
