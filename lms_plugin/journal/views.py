"""The trainee's journal: brief, rubric, dated entries, submitting; lesson reflections."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import current_launch, login_required, require_launch
from lms_plugin.courses.availability import require_available
from lms_plugin.courses.content import Course, Lesson, Module, localized
from lms_plugin.courses.journal_format import MAX_PROMPTS
from lms_plugin.courses.rendering import render_markdown, render_text
from lms_plugin.courses.views import content_language, current_course
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.grading.corrections import visible_grade
from lms_plugin.grading.models import RELEASED
from lms_plugin.journal import reflections, services
from lms_plugin.journal.facts import journal_states
from lms_plugin.journal.models import JournalEntry

bp = Blueprint("journal", __name__, url_prefix="/journal")


def today() -> date:
    """The trainee's own date (their time zone): a session today is not "in the future"."""
    return to_user_timezone(utcnow()).date()


def _open(module_id: str) -> tuple[Any, services.Located]:
    """The launch and the journal, if its module is open for this trainee (403 page if not)."""
    launch = require_launch()
    located = services.find_journal(current_course(), module_id)
    require_available(launch, located.course, located.journal.assignment)
    return launch, located


def _form_values() -> tuple[date | None, list[str], str]:
    raw = (request.form.get("entry_date") or "").strip()[:10]
    try:
        when: date | None = date.fromisoformat(raw)
    except ValueError:
        when = None
    answers = [request.form.get(f"answer-{i}", "") for i in range(MAX_PROMPTS)]
    return when, answers, (request.form.get("title") or "")[: services.MAX_TITLE * 2]


def _page(
    launch: Any,
    located: services.Located,
    *,
    editing: JournalEntry | None = None,
    error: str | None = None,
    values: dict[str, Any] | None = None,
) -> str:
    course = located.course
    lang = content_language(course)
    attempts = services.history(launch.user.id, located)
    rows = services.entries(launch.user.id, located)
    done = [s for s in attempts if s.state != "draft"]

    def t(texts: dict[str, str]) -> str:
        return localized(texts, lang, course.default_language)

    return render_template(
        "journal/journal.html",
        course=course,
        module=located.module,
        journal=located.journal,
        a=located.journal.assignment,
        lang=lang,
        t=t,
        brief=render_markdown(
            course, located.module, t(located.journal.brief), f"journal:{located.journal.id}:{lang}"
        ),
        state=services.state(launch.user.id, located, attempts),
        writable=services.is_writable(attempts, located),
        entries=rows,
        sessions=services.session_count(rows),
        words=services.entry_words,
        lesson_title=lambda lesson_id: _lesson_title(course, lesson_id, t),
        render_answer=render_text,
        attempts=list(reversed(done)),
        visible=visible_grade,
        released=RELEASED,
        editing=editing,
        error=error,
        values=values or {},
        today=today().isoformat(),
    )


def _lesson_title(course: Course, lesson_id: str | None, t: Any) -> str:
    lesson = course.lesson(lesson_id or "")
    return t(lesson.title) if lesson else ""


@bp.get("/<module_id>")
@login_required
def page(module_id: str) -> str:
    """The journal: the task, the rubric, the entries, a new entry and the submission."""
    launch, located = _open(module_id)
    return _page(launch, located)


@bp.get("/<module_id>/entries/<int:entry_id>")
@login_required
def edit(module_id: str, entry_id: int) -> str:
    """The journal with one of the trainee's own entries in the editor."""
    launch, located = _open(module_id)
    entry = services.own_entry(launch.user.id, located, entry_id)
    return _page(launch, located, editing=entry)


def _save(module_id: str, entry_id: int | None) -> WerkzeugResponse | tuple[str, int]:
    launch, located = _open(module_id)
    entry = services.own_entry(launch.user.id, located, entry_id) if entry_id else None
    when, answers, title = _form_values()
    try:
        if when is None:
            raise DomainError(_("Give the date of the session."), status_code=422)
        saved = services.save_entry(
            launch.user,
            located,
            entry_date=when,
            answers=answers,
            title=title,
            today=today(),
            entry=entry,
        )
    except DomainError as err:
        db.session.rollback()
        values = {"entry_date": request.form.get("entry_date", "")[:10], "title": title}
        values.update({f"answer-{i}": a for i, a in enumerate(answers)})
        return _page(launch, located, editing=entry, error=err.message, values=values), (
            err.status_code
        )
    db.session.commit()
    flash(_("The entry is saved in your journal."), "success")
    return redirect(url_for("journal.page", module_id=module_id, _anchor=f"entry-{saved.id}"))


@bp.post("/<module_id>/entries")
@login_required
def add(module_id: str) -> WerkzeugResponse | tuple[str, int]:
    """A new dated entry."""
    return _save(module_id, None)


@bp.post("/<module_id>/entries/<int:entry_id>")
@login_required
def update(module_id: str, entry_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Change one of the trainee's own entries."""
    return _save(module_id, entry_id)


@bp.post("/<module_id>/entries/<int:entry_id>/delete")
@login_required
def delete(module_id: str, entry_id: int) -> WerkzeugResponse:
    """Remove one of the trainee's own entries (before submission)."""
    launch, located = _open(module_id)
    entry = services.own_entry(launch.user.id, located, entry_id)
    services.delete_entry(launch.user, located, entry)
    db.session.commit()
    flash(_("The entry is removed from your journal."), "success")
    return redirect(url_for("journal.page", module_id=module_id))


@bp.post("/<module_id>/submit")
@login_required
def submit(module_id: str) -> WerkzeugResponse:
    """Submit the whole journal for grading (refused with the reason when not ready)."""
    launch, located = _open(module_id)
    try:
        services.submit_journal(
            launch.user, launch.context_pk, located, content_language(located.course)
        )
    except DomainError as err:
        db.session.rollback()
        if err.status_code == 404:
            raise
        flash(err.message, "error")
        return redirect(url_for("journal.page", module_id=module_id, _anchor="submit"))
    db.session.commit()
    flash(
        _("Your journal is submitted. You will see the feedback here once it is released."),
        "success",
    )
    return redirect(url_for("journal.page", module_id=module_id))


@bp.post("/reflections/<module_id>/<lesson_id>/<prompt_id>")
@login_required
def reflect(module_id: str, lesson_id: str, prompt_id: str) -> WerkzeugResponse:
    """Keep the answer to a lesson's reflection prompt (in the journal, or as a private note)."""
    launch = require_launch()
    course = current_course()
    module = course.module(module_id)
    lesson = module.lesson(lesson_id) if module is not None else None
    if module is None or lesson is None:
        raise NotFound(_("This lesson does not exist. Use the module page to find your way."))
    require_available(launch, course, lesson)
    lang = content_language(course)
    found = reflections.prompt(localized(lesson.body, lang, course.default_language), prompt_id)
    if found is None:
        raise NotFound(_("This lesson has no such reflection prompt."))
    back = url_for("courses.lesson", module_id=module.id, lesson_id=lesson.id, _anchor=prompt_id)
    try:
        services.save_reflection(
            launch.user,
            course,
            module,
            lesson.id,
            found.id,
            found.text or found.title,
            (request.form.get("answer") or "")[: services.MAX_ANSWER + 1],
            today(),
        )
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(back)
    db.session.commit()
    kept = services.course_journal(course, module) is not None
    flash(
        _("Your reflection is saved in your journal.")
        if kept
        else _("Your reflection is saved in your private notes."),
        "success",
    )
    return redirect(back)


@bp.app_template_global("journal_url")
def journal_url(module: Module) -> str | None:
    """The module's journal page, when the module has a journal."""
    if getattr(module, "journal", None) is None:
        return None
    return url_for("journal.page", module_id=module.id)


@bp.app_template_global("reflection_panel")
def reflection_panel(course: Course, module: Module, lesson: Lesson, lang: str) -> Markup:
    """The lesson's reflection prompts with "Add to my journal" forms (empty without any)."""
    launch = current_launch()
    found = reflections.prompts(localized(lesson.body, lang, course.default_language))
    if launch is None or not found:
        return Markup("")
    target = services.course_journal(course, module)
    writable = True
    if target is not None:
        writable = services.is_writable(services.history(launch.user.id, target), target)
    answers = {
        p.id: services.reflection_of(launch.user.id, course.id, lesson.id, p.id) for p in found
    }
    return Markup(  # noqa: S704 - a template rendered with autoescaping
        render_template(
            "journal/_reflections.html",
            course=course,
            module=module,
            lesson=lesson,
            prompts=found,
            answers=answers,
            target=target,
            writable=writable,
            lang=lang,
            t=lambda texts: localized(texts, lang, course.default_language),
        )
    )


@bp.app_template_global("journal_overview")
def journal_overview(course: Course) -> list[dict[str, str]]:
    """The course's journals with the trainee's state, for the home page (empty without any)."""
    launch = current_launch()
    if launch is None or not any(m.journal for m in course.modules):
        return []
    states = journal_states(launch.user.id, course.id)
    lang = content_language(course)
    return [
        {
            "title": localized(m.journal.title, lang, course.default_language),
            "state": states.get(m.id, "none"),
            "url": url_for("journal.page", module_id=m.id),
        }
        for m in course.modules
        if m.journal is not None
    ]
