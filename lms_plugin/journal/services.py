"""Writing a journal: dated entries, editable until the journal is submitted for grading.

Submitting compiles the entries (dated, in order) into a grading `Submission` of the journal's id
through grading's own services, so marking, must-pass rules, triggers, release, corrections and
the gradebook column are grading's. A released "needs revision" reopens the entries; the next
submission is a new attempt. Services flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.courses.content import Course, Module, localized
from lms_plugin.courses.journal_format import Journal
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.grading import services as grading
from lms_plugin.grading.models import DRAFT, NEEDS_REVISION, Submission
from lms_plugin.grading.wordcount import count_words
from lms_plugin.journal.models import NOTE, REFLECTION, SESSION, JournalEntry

MAX_ANSWER = 20_000  # characters of one answer; a long session write-up is about 3,000
MAX_TITLE = 200
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Located:
    """A journal with its course and module, and grading's view of it."""

    course: Course
    module: Module
    journal: Journal

    @property
    def grading(self) -> grading.Located:
        return grading.Located(self.course, self.module, self.journal.assignment)


def find_journal(course: Course, module_id: str) -> Located:
    """The journal of this module; NotFound when the module has none."""
    module = course.module(module_id)
    if module is None or module.journal is None:
        raise NotFound(_("This module has no journal."))
    return Located(course, module, module.journal)


def course_journal(course: Course, module: Module | None = None) -> Located | None:
    """Where a lesson's reflection goes: its own module's journal, else the course's first."""
    if module is not None and module.journal is not None:
        return Located(course, module, module.journal)
    first = next((m for m in course.modules if m.journal is not None), None)
    return find_journal(course, first.id) if first is not None else None


def entries(user_id: int, located: Located) -> list[JournalEntry]:
    """The trainee's entries of this journal: sessions by date, then reflections (one query)."""
    rows = db.session.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.course_id == located.course.id,
            JournalEntry.journal_id == located.journal.id,
        )
        .order_by(JournalEntry.entry_date, JournalEntry.id)
    )
    found = list(rows)
    return [e for e in found if e.kind == SESSION] + [e for e in found if e.kind != SESSION]


def own_entry(user_id: int, located: Located, entry_id: int) -> JournalEntry:
    """One of the trainee's own entries of this journal; NotFound for anyone else's."""
    entry = db.session.get(JournalEntry, entry_id)
    if (
        entry is None
        or entry.user_id != user_id
        or entry.course_id != located.course.id
        or entry.journal_id != located.journal.id
    ):
        raise NotFound(_("There is no such entry in your journal."))
    return entry


def history(user_id: int, located: Located) -> list[Submission]:
    """Every submitted attempt of the journal, oldest first (grading's rows)."""
    return grading.attempts(user_id, located.journal.id)


def is_writable(attempts: Sequence[Submission], located: Located) -> bool:
    """Entries can change before the first submission and after a released "needs revision"
    with attempts left; never while submitted, passed or failed."""
    if not attempts or attempts[-1].state == DRAFT:
        return True
    return grading.can_start_new_attempt(list(attempts), located.journal.assignment)


def state(user_id: int, located: Located, attempts: Sequence[Submission] | None = None) -> str:
    """ "none" | "draft" | "submitted" | "needs_revision" | "passed" | "failed"."""
    attempts = history(user_id, located) if attempts is None else attempts
    if attempts and attempts[-1].state != DRAFT:
        return str(attempts[-1].state)
    written = db.session.scalar(
        select(JournalEntry.id)
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.course_id == located.course.id,
            JournalEntry.journal_id == located.journal.id,
        )
        .limit(1)
    )
    return DRAFT if written is not None or attempts else "none"


def require_writable(user_id: int, located: Located) -> None:
    """DomainError 409 with the reason when the journal cannot be changed now."""
    attempts = history(user_id, located)
    if is_writable(attempts, located):
        return
    last = attempts[-1].state
    if last == NEEDS_REVISION:
        raise DomainError(_("You have used every attempt for this journal."), status_code=409)
    raise DomainError(
        _("Your journal has been submitted; its entries can no longer be changed."),
        status_code=409,
    )


def check_date(entry_date: date, today: date) -> None:
    """The date of the session: not in the future (and not absurdly old)."""
    if entry_date > today:
        raise DomainError(_("The date of the session cannot be in the future."), status_code=422)
    if entry_date < EARLIEST:
        raise DomainError(_("Give the date of the session."), status_code=422)


def clean_answers(located: Located, answers: Sequence[str]) -> list[str]:
    """One non-empty answer per entry prompt, each within MAX_ANSWER characters."""
    prompts = located.journal.entry_prompts
    cleaned = [a.replace("\x00", "").replace("\r\n", "\n").strip() for a in answers]
    cleaned += [""] * (len(prompts) - len(cleaned))
    cleaned = cleaned[: len(prompts)]
    if any(len(a) > MAX_ANSWER for a in cleaned):
        raise DomainError(
            _("An answer is longer than %(n)d characters; shorten it.", n=MAX_ANSWER),
            status_code=422,
        )
    if not all(cleaned):
        raise DomainError(_("Answer every question of the entry."), status_code=422)
    return cleaned


def save_entry(
    user: User,
    located: Located,
    *,
    entry_date: date,
    answers: Sequence[str],
    title: str,
    today: date,
    entry: JournalEntry | None = None,
) -> JournalEntry:
    """Add a dated session entry, or change one of the trainee's own (flush)."""
    require_writable(user.id, located)
    check_date(entry_date, today)
    cleaned = clean_answers(located, answers)
    if entry is None:
        entry = JournalEntry(
            user_id=user.id,
            course_id=located.course.id,
            journal_id=located.journal.id,
            module_id=located.module.id,
            kind=SESSION,
        )
        db.session.add(entry)
    elif entry.kind != SESSION:
        raise DomainError(_("Change a reflection on its lesson's page."), status_code=409)
    entry.entry_date = entry_date
    entry.title = " ".join(title.split())[:MAX_TITLE]
    entry.answers = cleaned
    entry.updated_at = utcnow()
    db.session.flush()
    return entry


def delete_entry(user: User, located: Located, entry: JournalEntry) -> None:
    """Remove one of the trainee's own entries while the journal is writable (flush)."""
    require_writable(user.id, located)
    db.session.delete(entry)
    db.session.flush()


def entry_words(entry: JournalEntry) -> int:
    """Words of an entry's answers."""
    return sum(count_words(str(a)) for a in entry.answers or [])


def session_count(rows: Sequence[JournalEntry]) -> int:
    return sum(1 for e in rows if e.kind == SESSION)


def compile_text(located: Located, rows: Sequence[JournalEntry], lang: str) -> str:
    """The entries as one Markdown text for the marker: dated sessions in order, then
    reflections, each under its prompts."""
    course = located.course
    prompts = located.journal.entry_prompts
    parts: list[str] = []
    number = 0
    for entry in rows:
        when = format_date(entry.entry_date, "long")
        if entry.kind == SESSION:
            number += 1
            heading = _("Entry %(n)d: %(date)s", n=number, date=when)
            if entry.title:
                heading += f" · {entry.title}"
            parts.append(f"## {heading}")
            for prompt, answer in zip(prompts, entry.answers or [], strict=False):
                parts.append(f"**{localized(prompt, lang, course.default_language)}**")
                parts.append(str(answer))
        else:
            lesson = course.lesson(entry.lesson_id or "")
            name = localized(lesson.title, lang, course.default_language) if lesson else ""
            parts.append(f"## {_('Reflection: %(lesson)s', lesson=name)} ({when})")
            if entry.title:
                parts.append("> " + entry.title.replace("\n", " "))
            parts.extend(str(a) for a in entry.answers or [])
    return "\n\n".join(parts) + "\n"


def submit_journal(user: User, context_pk: int | None, located: Located, lang: str) -> Submission:
    """Compile the entries into grading's next attempt and submit it (flush; progress notified
    by grading)."""
    require_writable(user.id, located)
    rows = entries(user.id, located)
    count = session_count(rows)
    needed = located.journal.min_entries
    if count < needed:
        raise DomainError(
            _(
                "Your journal needs at least %(needed)d dated entries before it can be "
                "submitted; it has %(count)d.",
                needed=needed,
                count=count,
            ),
            status_code=422,
        )
    draft = grading.open_draft(user, context_pk, located.grading)
    grading.save_text(draft, located.grading, compile_text(located, rows, lang))
    return grading.submit(draft, located.grading, context_pk)


def save_reflection(
    user: User,
    course: Course,
    module: Module,
    lesson_id: str,
    prompt_id: str,
    prompt_text: str,
    answer: str,
    today: date,
) -> JournalEntry:
    """Keep a lesson's reflection answer: in the course's journal when it has one (type
    "reflection", editable while the journal is), else as a private note (flush)."""
    answer = answer.replace("\x00", "").replace("\r\n", "\n").strip()
    if not answer:
        raise DomainError(_("Write your reflection first."), status_code=422)
    if len(answer) > MAX_ANSWER:
        raise DomainError(
            _("An answer is longer than %(n)d characters; shorten it.", n=MAX_ANSWER),
            status_code=422,
        )
    target = course_journal(course, module)
    if target is not None:
        require_writable(user.id, target)
    entry = reflection_of(user.id, course.id, lesson_id, prompt_id)
    if entry is None:
        entry = JournalEntry(
            user_id=user.id, course_id=course.id, lesson_id=lesson_id, prompt_id=prompt_id
        )
        db.session.add(entry)
    entry.journal_id = target.journal.id if target is not None else ""
    entry.module_id = target.module.id if target is not None else module.id
    entry.kind = REFLECTION if target is not None else NOTE
    entry.entry_date = today
    entry.title = " ".join(prompt_text.split())[:MAX_TITLE]
    entry.answers = [answer]
    entry.updated_at = utcnow()
    db.session.flush()
    return entry


def reflection_of(
    user_id: int, course_id: str, lesson_id: str, prompt_id: str
) -> JournalEntry | None:
    """The trainee's answer to one reflection prompt of a lesson, if any."""
    return db.session.scalar(
        select(JournalEntry).where(
            JournalEntry.user_id == user_id,
            JournalEntry.course_id == course_id,
            JournalEntry.lesson_id == lesson_id,
            JournalEntry.prompt_id == prompt_id,
        )
    )
