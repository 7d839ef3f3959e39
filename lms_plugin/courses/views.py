"""Course delivery: course home, module pages, lessons, knowledge checks and lesson images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import (
    CurrentLaunch,
    login_required,
    require_launch,
    roles_required,
)
from lms_plugin.accounts.models import Membership, Role
from lms_plugin.courses import quizzes, services
from lms_plugin.courses.availability import (
    NotAvailable,
    grant_exception,
    is_checked,
    item_title,
    require_available,
)
from lms_plugin.courses.content import Course, Module, all_courses, localized
from lms_plugin.courses.feedback import attempt_feedback
from lms_plugin.courses.forms import build_form, read_answers
from lms_plugin.courses.markdown_checks import IMAGE_TYPES
from lms_plugin.courses.models import Enrolment
from lms_plugin.courses.rendering import render_lesson
from lms_plugin.courses.status import ModuleState, completed_lessons, module_states
from lms_plugin.courses.time_on_task import TimeNotMet, remaining_seconds, remaining_text
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound, wants_json

bp = Blueprint("courses", __name__, url_prefix="/course")
DEFAULT_COURSE_ID = "mentor-30h"


def current_course() -> Course:
    """The trainee's course: mentor-30h, or the only course there is."""
    courses = all_courses()
    course = next((c for c in courses if c.id == DEFAULT_COURSE_ID), None)
    if course is None and courses:
        course = courses[0]
    if course is None:
        raise NotFound(_("No course is installed yet. Please ask the programme's administrator."))
    return course


def content_language(course: Course) -> str:
    """The UI language when the course has it, else the course's default language."""
    locale = get_locale()
    return course.language_for(locale.language if locale else None)


def _render(template: str, course: Course, **context: Any) -> str:
    """Render a course page; `t(texts)` picks the content language, `number` formats hours."""
    lang = content_language(course)

    def t(texts: dict[str, str]) -> str:
        return localized(texts, lang, course.default_language)

    return render_template(
        template, course=course, lang=lang, t=t, number=format_decimal, **context
    )


def _module(course: Course, module_id: str) -> Module:
    module = course.module(module_id)
    if module is None:
        raise NotFound(_("This module does not exist. Use the course page to find your way."))
    return module


def _states(launch: CurrentLaunch, course: Course, module: Module) -> dict[str, ModuleState]:
    """Module states; a closed module answers 403 with "Available when" (trainers see all)."""
    states = module_states(launch.user.id, course)
    availability = states[module.id].availability
    if is_checked(launch) and availability is not None and not availability.open:
        raise NotAvailable(item_title(course, module), availability)
    return states


@bp.app_errorhandler(NotAvailable)
def not_available(err: NotAvailable) -> WerkzeugResponse:
    """The closed item's page: what it is, and the conditions with links (never a bare 403)."""
    response: WerkzeugResponse
    if wants_json():
        body = {
            "error": "not_available",
            "message": err.message,
            "reasons": [r.text for r in err.availability.reasons],
        }
        response = jsonify(body)
    else:
        response = WerkzeugResponse(
            render_template(
                "courses/unavailable.html", title=err.title, availability=err.availability
            ),
            mimetype="text/html",
        )
    response.status_code = 403
    return response


def assignment_url(assignment_id: str) -> str | None:
    """The grading feature's assignment page, when it is installed."""
    if "grading.assignment" in current_app.view_functions:
        return url_for("grading.assignment", assignment_id=assignment_id)
    return None


def _next_step_url(course: Course, states: dict[str, ModuleState], done: set[str]) -> str | None:
    for module in course.modules:
        state = states[module.id]
        if state.status in ("complete", "locked"):
            continue
        for lesson in module.lessons:
            if lesson.id not in done:
                return url_for(".lesson", module_id=module.id, lesson_id=lesson.id)
        if module.quiz is not None and not state.quiz_passed:
            return url_for(".quiz", module_id=module.id)
        return url_for(".module", module_id=module.id)
    return None


def _continue_url(
    course: Course, enrolment: Enrolment | None, states: dict[str, ModuleState], done: set[str]
) -> str | None:
    """The lesson the trainee left unfinished, else the next thing to do."""
    if enrolment is not None and enrolment.last_lesson_id:
        lesson = course.lesson(enrolment.last_lesson_id)
        if lesson and lesson.id not in done and not states[lesson.module_id].is_locked:
            return url_for(".lesson", module_id=lesson.module_id, lesson_id=lesson.id)
    return _next_step_url(course, states, done)


@bp.get("/")
@login_required
def course_home() -> str:
    """The course with its modules, hours, status and where to continue."""
    launch = require_launch()
    course = current_course()
    enrolment = services.ensure_enrolment(launch.user.id, course, launch.context_pk)
    db.session.commit()
    states = module_states(launch.user.id, course)
    done = completed_lessons(launch.user.id, course.id)
    return _render(
        "courses/home.html",
        course,
        states=states,
        continue_url=_continue_url(course, enrolment, states, done),
        has_started=bool(done or enrolment.last_lesson_id),
    )


@bp.get("/<module_id>/")
@login_required
def module(module_id: str) -> str:
    """Objectives, lessons, knowledge check and assignment of one module."""
    launch = require_launch()
    course = current_course()
    mod = _module(course, module_id)
    states = _states(launch, course, mod)
    quiz_state = quizzes.quiz_state(launch.user.id, course, mod.quiz) if mod.quiz else None
    return _render(
        "courses/module.html",
        course,
        module=mod,
        state=states[mod.id],
        done=completed_lessons(launch.user.id, course.id),
        quiz_state=quiz_state,
        assignment_url=assignment_url(mod.assignment.id) if mod.assignment else None,
    )


@bp.get("/<module_id>/lessons/<lesson_id>")
@login_required
def lesson(module_id: str, lesson_id: str) -> str:
    """One lesson, readable on a phone, with previous/next and "Mark as complete"."""
    launch = require_launch()
    course = current_course()
    mod = _module(course, module_id)
    current = mod.lesson(lesson_id)
    if current is None:
        raise NotFound(_("This lesson does not exist. Use the module page to find your way."))
    _states(launch, course, mod)
    return _lesson_page(launch, course, mod, current)


def _lesson_page(
    launch: CurrentLaunch, course: Course, mod: Module, current: Any, refused: str | None = None
) -> str:
    """The lesson page; `refused` is why "Mark as complete" was just refused."""
    row = services.open_lesson(launch.user.id, course, current, launch.context_pk)
    index = mod.lessons.index(current)
    lang = content_language(course)
    remaining = remaining_seconds(launch.user.id, course, current)
    page = _render(
        "courses/lesson.html",
        course,
        module=mod,
        lesson=current,
        body=render_lesson(course, mod, current, lang),
        is_complete=row.completed_at is not None,
        previous=mod.lessons[index - 1] if index > 0 else None,
        following=mod.lessons[index + 1] if index + 1 < len(mod.lessons) else None,
        position=index + 1,
        remaining_seconds=remaining,
        remaining_text=remaining_text(remaining) if remaining else "",
        refused=refused,
    )
    db.session.commit()  # after rendering: a commit before it expired every row, read again
    return page


@bp.post("/<module_id>/lessons/<lesson_id>/complete")
@login_required
def complete_lesson(module_id: str, lesson_id: str) -> WerkzeugResponse:
    """Mark the lesson complete and go on to the next lesson (or the knowledge check)."""
    launch = require_launch()
    course = current_course()
    mod = _module(course, module_id)
    current = mod.lesson(lesson_id)
    if current is None:
        raise NotFound(_("This lesson does not exist. Use the module page to find your way."))
    _states(launch, course, mod)
    try:
        services.complete_lesson(launch.user.id, course, current, launch.context_pk)
    except TimeNotMet as refused:
        db.session.rollback()
        if wants_json():
            body = {
                "error": "time_not_met",
                "message": refused.message,
                "remaining_seconds": refused.remaining,
            }
            return WerkzeugResponse(json.dumps(body), status=409, mimetype="application/json")
        page = _lesson_page(launch, course, mod, current, refused=refused.message)
        return WerkzeugResponse(page, status=409, mimetype="text/html")
    db.session.commit()
    flash(_("Lesson marked as complete."), "success")
    index = mod.lessons.index(current)
    if index + 1 < len(mod.lessons):
        return redirect(url_for(".lesson", module_id=mod.id, lesson_id=mod.lessons[index + 1].id))
    if mod.quiz is not None:
        return redirect(url_for(".quiz", module_id=mod.id))
    return redirect(url_for(".module", module_id=mod.id))


@bp.route("/<module_id>/quiz", methods=["GET", "POST"])
@login_required
def quiz(module_id: str) -> str | WerkzeugResponse | tuple[str, int]:
    """The knowledge check: the form while attempts are left; each attempt is stored."""
    launch = require_launch()
    course = current_course()
    mod = _module(course, module_id)
    if mod.quiz is None:
        raise NotFound(_("This module has no knowledge check."))
    _states(launch, course, mod)
    lang = content_language(course)
    answers: dict[str, object] = {}
    missing: list[str] = []
    # This attempt's questions and option order, stored when its form is first shown.
    shown = quizzes.attempt_layout(launch.user.id, course, mod.quiz)
    db.session.commit()
    if request.method == "POST":
        answers, missing = read_answers(shown, request.form)
        if not missing:
            attempt = quizzes.submit_attempt(
                launch.user.id, course, shown, answers, launch.context_pk
            )
            db.session.commit()
            return redirect(
                url_for(".quiz_result", module_id=mod.id, attempt_no=attempt.attempt_no)
            )
    state = quizzes.quiz_state(launch.user.id, course, mod.quiz)
    page = _render(
        "courses/quiz.html",
        course,
        module=mod,
        quiz=shown,
        state=state,
        fields=build_form(shown, lang, course.default_language, answers),
        missing=missing,
    )
    return (page, 422) if missing else page


@bp.get("/<module_id>/quiz/<int:attempt_no>")
@login_required
def quiz_result(module_id: str, attempt_no: int) -> str:
    """An attempt's score and the feedback on every answer."""
    launch = require_launch()
    course = current_course()
    mod = _module(course, module_id)
    if mod.quiz is None:
        raise NotFound(_("This module has no knowledge check."))
    attempt = quizzes.get_attempt(launch.user.id, course.id, mod.quiz.id, attempt_no)
    if attempt is None:
        raise NotFound(_("There is no such attempt."))
    require_available(launch, course, mod.quiz)
    lang = content_language(course)
    states = module_states(launch.user.id, course)
    index = course.modules.index(mod)
    following = course.modules[index + 1] if index + 1 < len(course.modules) else None
    return _render(
        "courses/quiz_result.html",
        course,
        module=mod,
        quiz=mod.quiz,
        attempt=attempt,
        state=quizzes.quiz_state(launch.user.id, course, mod.quiz),
        module_state=states[mod.id],
        following=following if following and not states[following.id].is_locked else None,
        feedback=attempt_feedback(
            quizzes.layout_quiz(launch.user.id, course, mod.quiz, attempt_no),
            attempt.answers,
            attempt.results,
            lang,
            course.default_language,
        ),
    )


@bp.get("/<module_id>/images/<path:filename>")
@login_required
def image(module_id: str, filename: str) -> WerkzeugResponse:
    """A picture from the module's images/ folder (only image files; the module must be open)."""
    launch = require_launch()
    course = current_course()
    mod = _module(course, module_id)
    require_available(launch, course, mod)
    if not filename.lower().endswith(IMAGE_TYPES):
        abort(404)
    return send_from_directory(Path(mod.folder) / "images", filename, max_age=3600)


@bp.post("/trainee/<int:user_id>/open")
@roles_required(Role.TRAINER)
def open_early(user_id: int) -> WerkzeugResponse:
    """A trainer opens a module early for one of their trainees, with a reason (audited)."""
    launch = require_launch()
    member = db.session.scalar(
        select(Membership).where(
            Membership.context_pk == launch.context_pk,
            Membership.user_id == user_id,
            Membership.role == Role.TRAINEE.value,
        )
    )
    if member is None:
        abort(404)
    course = current_course()
    back = url_for("progress.trainee", user_id=user_id)
    try:
        grant_exception(
            launch.user,
            user_id,
            course,
            request.form.get("module_id", ""),
            request.form.get("reason", ""),
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(back)
    db.session.commit()
    flash(_("The module is open for this trainee."), "success")
    return redirect(back)


# The Materials page and downloads add their routes to `bp` (lms_plugin/courses/materials_views.py).
from lms_plugin.courses import materials_views  # noqa: E402, F401
