"""The stored snapshot of a trainee's standing: what the trainee's own pages read.

`compute` rebuilds a standing from about a dozen fact queries (lessons, quizzes, active time,
overrides, live marks, journals, assignments, certificate). The landing page and every lesson page
need it (module statuses for the availability rule and the sidebar, the next step, hours by kind),
so progress stores the computed standing with the course summary whenever it recomputes, and those
pages read it back in one indexed statement.

When it is valid. The snapshot is written in the same transaction as every change that can move
what the trainee's pages show:
- every fact that counts towards credit publishes `events.ProgressChanged` (lesson completed, quiz
  attempt, submission, release, live mark, override, evaluation), and progress recomputes;
- a lesson opened for the first time (a module goes from "open" to "in progress") publishes
  `events.LessonOpened`; a certificate issued or revoked (the refresher module opens)
  publishes `events.CertificateChanged`: progress refreshes the snapshot for both;
- a change of the course's content (a new lesson, another minimum) or of this module's rules
  changes `snapshot_key`, and a snapshot with another key is ignored (recomputed instead) until
  the trainee's next event or `flask progress recompute`.
Nothing in a standing depends on the clock (a certificate's existence opens the refresher, not
its validity), so a snapshot does not age.

What it does not follow between events: evidence a trainer reads — active seconds (heartbeats),
the last activity, lessons still below their minimum time, draft states. The trainer's page of one
trainee computes afresh (`services.compute`); the cohort reads the summaries as it always did.
`tests/progress_snapshot` walks a trainee through every kind of fact and checks after each step that
the snapshot equals a fresh computation in everything the trainee's pages show.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.progress.models import CourseSummary
from lms_plugin.progress.standing import CourseProgress, ModuleProgress

# Bump when `compute` changes what it derives from the same facts: every stored snapshot is then
# ignored until recomputed.
RULES_VERSION = 1


def snapshot_key(course: Any) -> str:
    """Which course content and rules a snapshot was computed from."""
    return f"{RULES_VERSION}:{course.version}:{course.content_hash}"[:160]


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(progress: CourseProgress) -> dict[str, Any]:
    """A standing as JSON (datetimes as ISO text, tuples as lists)."""
    return {
        "course_id": progress.course_id,
        "hours_credited": progress.hours_credited,
        "hours_total": progress.hours_total,
        "active_seconds": progress.active_seconds,
        "last_activity_at": _moment(progress.last_activity_at),
        "next_step": progress.next_step,
        "waiting": list(progress.waiting),
        "hours_by_kind": dict(progress.hours_by_kind),
        "hours_total_by_kind": dict(progress.hours_total_by_kind),
        "certified": progress.certified,
        "modules": [
            {
                "module_id": m.module_id,
                "status": m.status,
                "lessons_done": m.lessons_done,
                "lessons_total": m.lessons_total,
                "quiz_best": m.quiz_best,
                "quiz_passed": m.quiz_passed,
                "assignment_state": m.assignment_state,
                "hours_credited": m.hours_credited,
                "active_seconds": m.active_seconds,
                "is_override": m.is_override,
                "attended": m.attended,
                "hours_by_kind": dict(m.hours_by_kind),
                "min_active_seconds": m.min_active_seconds,
                "lessons_short": list(m.lessons_short),
                "lessons_legacy": list(m.lessons_legacy),
                "live_hours": m.live_hours,
                "practicum_state": m.practicum_state,
                "unlocks_next": m.unlocks_next,
            }
            for m in progress.modules
        ],
    }


def from_json(data: dict[str, Any]) -> CourseProgress:
    """The standing a snapshot holds (the inverse of `to_json`)."""
    last = data.get("last_activity_at")
    return CourseProgress(
        course_id=str(data["course_id"]),
        modules=tuple(
            ModuleProgress(
                module_id=str(m["module_id"]),
                status=str(m["status"]),
                lessons_done=int(m["lessons_done"]),
                lessons_total=int(m["lessons_total"]),
                quiz_best=None if m["quiz_best"] is None else float(m["quiz_best"]),
                quiz_passed=bool(m["quiz_passed"]),
                assignment_state=str(m["assignment_state"]),
                hours_credited=float(m["hours_credited"]),
                active_seconds=int(m["active_seconds"]),
                is_override=bool(m["is_override"]),
                attended=bool(m["attended"]),
                hours_by_kind={str(k): float(v) for k, v in m["hours_by_kind"].items()},
                min_active_seconds=int(m["min_active_seconds"]),
                lessons_short=tuple(str(x) for x in m["lessons_short"]),
                lessons_legacy=tuple(str(x) for x in m["lessons_legacy"]),
                live_hours=float(m["live_hours"]),
                practicum_state=str(m["practicum_state"]),
                unlocks_next=bool(m["unlocks_next"]),
            )
            for m in data["modules"]
        ),
        hours_credited=float(data["hours_credited"]),
        hours_total=float(data["hours_total"]),
        active_seconds=int(data["active_seconds"]),
        last_activity_at=datetime.fromisoformat(last) if last else None,
        next_step=data.get("next_step"),
        waiting=tuple(str(x) for x in data.get("waiting", ())),
        hours_by_kind={str(k): float(v) for k, v in data["hours_by_kind"].items()},
        hours_total_by_kind={str(k): float(v) for k, v in data["hours_total_by_kind"].items()},
        certified=None if data.get("certified") is None else bool(data["certified"]),
    )


def stored(user_id: int, course: Any) -> CourseProgress | None:
    """The trainee's stored standing if it was computed from the course as it is now; one
    statement. None when there is none yet or it is stale (the caller computes)."""
    row = db.session.execute(
        select(CourseSummary.snapshot, CourseSummary.snapshot_key).where(
            CourseSummary.user_id == user_id, CourseSummary.course_id == course.id
        )
    ).first()
    if row is None or row.snapshot is None or row.snapshot_key != snapshot_key(course):
        return None
    try:
        return from_json(dict(row.snapshot))
    except (KeyError, TypeError, ValueError, AttributeError):  # an older shape: recompute
        return None


def keep(summary: CourseSummary, course: Any, progress: CourseProgress) -> None:
    """Put the standing on the summary row (flushed with it)."""
    summary.snapshot = to_json(progress)
    summary.snapshot_key = snapshot_key(course)


# What the trainee's pages show, compared by `check` (the evidence fields a trainer reads are left
# out: they follow heartbeats and drafts between events, see the module's docstring).
_MODULE_FIELDS = (
    "module_id",
    "status",
    "lessons_done",
    "lessons_total",
    "quiz_best",
    "quiz_passed",
    "hours_credited",
    "is_override",
    "attended",
    "hours_by_kind",
    "live_hours",
    "unlocks_next",
)
_COURSE_FIELDS = (
    "course_id",
    "hours_credited",
    "hours_total",
    "next_step",
    "waiting",
    "hours_by_kind",
    "hours_total_by_kind",
    "certified",
)


class SnapshotStale(RuntimeError):
    """A stored snapshot differs from a fresh computation in what the trainee's pages show: a
    fact changed without the event that refreshes it."""


def shown(progress: CourseProgress) -> dict[str, Any]:
    """The part of a standing the trainee's pages show."""
    view = {name: getattr(progress, name) for name in _COURSE_FIELDS}
    view["modules"] = [
        {name: getattr(m, name) for name in _MODULE_FIELDS} for m in progress.modules
    ]
    return view


def check(kept: CourseProgress, fresh: CourseProgress) -> None:
    """Raise SnapshotStale when `kept` shows the trainee something `fresh` does not (tests and
    the `PROGRESS_SNAPSHOT_CHECK` setting)."""
    old, new = shown(kept), shown(fresh)
    if old == new:
        return
    differences = [f"{k}: stored {old[k]!r}, computed {new[k]!r}" for k in old if old[k] != new[k]]
    raise SnapshotStale("; ".join(differences)[:4000])
