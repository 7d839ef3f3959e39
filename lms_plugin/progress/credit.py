"""Hours by kind for one module: online, assignment, live and practicum, from the facts.

- online: every lesson completed with its minimum active time (or completed before time on task
  was recorded) and, under the default rule `lessons_and_check`, the knowledge check passed;
- assignment: the module's assignment meets `credit_rules.assignment` (passed / submitted);
- live: the hours lms_plugin.live.facts credits for the module's sessions attended, at most the
  declared live hours;
- practicum: the module's journal meets `credit_rules.practicum` (passed / submitted).

A module without `credit:` is all online (legacy `face_to_face_hours` as live); its online hours
are credited when the module is complete, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms_plugin.courses.credit_format import hours_by_kind
from lms_plugin.courses.time_on_task import min_active_seconds

EPSILON = 1e-6
ASSIGNMENT_OK = {
    "submitted": {"submitted", "passed", "failed"},
    "passed": {"passed"},
}
JOURNAL_OK = {"submitted": {"submitted", "passed"}, "passed": {"passed"}}


@dataclass(frozen=True)
class LessonEvidence:
    """What the trainee did on a module's lessons."""

    done: int
    verified: int  # completed with the minimum active time, or before it was recorded
    short: tuple[str, ...]  # completed with less than the minimum (flag for the trainer)
    legacy: tuple[str, ...]  # completed before time on task was recorded (flag)
    min_seconds: int  # the sum of the lessons' minimums


def lesson_evidence(course: Any, module: Any, facts: dict[str, Any]) -> LessonEvidence:
    """Completion and time of every lesson of the module."""
    done = verified = minimum = 0
    short: list[str] = []
    legacy: list[str] = []
    for lesson in module.lessons:
        needed = min_active_seconds(course, lesson)
        minimum += needed
        if lesson.id not in facts["completed"]:
            continue
        done += 1
        if lesson.id in facts["legacy"]:
            legacy.append(lesson.id)
            verified += 1
        elif facts["lesson_seconds"].get(lesson.id, 0) >= needed:
            verified += 1
        else:
            short.append(lesson.id)
    return LessonEvidence(done, verified, tuple(short), tuple(legacy), minimum)


@dataclass(frozen=True)
class ModuleCreditResult:
    """Whether the module is complete and the hours credited by kind."""

    complete: bool
    hours: dict[str, float]
    live_hours: float
    practicum_state: str
    # The module's self-study is done (lessons with their time, the check, the assignment as the
    # course's completion rule asks): the next module opens. Live sessions and the practicum run
    # on their own calendar over weeks, so they count for the module and the certificate but do
    # not hold the sequence up.
    unlocks_next: bool = False


def module_credit(
    course: Any,
    module: Any,
    facts: dict[str, Any],
    *,
    lessons: LessonEvidence,
    quiz_passed: bool,
    assignment_state: str,
    active_ok: bool,
    override: bool,
) -> ModuleCreditResult:
    """Apply the course's credit rules to one module's facts."""
    rules = course.credit_rules
    declared = hours_by_kind(module)
    lessons_ok = lessons.verified == len(module.lessons)
    check_needed = rules.online == "lessons_and_check" or module.credit is None
    online_ok = lessons_ok and active_ok and (quiz_passed or not check_needed)
    completion_ok = module.assignment is None or assignment_state in ASSIGNMENT_OK.get(
        course.assignment_completion, {"passed"}
    )
    assignment_ok = module.assignment is not None and assignment_state in ASSIGNMENT_OK.get(
        rules.assignment, {"passed"}
    )
    live_hours = min(float(facts["live"].get(module.id, 0.0)), declared["live"])
    live_ok = live_hours + EPSILON >= declared["live"]
    state = str(facts["journal"].get(module.id, "none"))
    practicum_ok = state in JOURNAL_OK.get(rules.practicum, {"passed"})
    has_journal = getattr(module, "journal", None) is not None or declared["practicum"] > 0
    hours = dict.fromkeys(declared, 0.0)
    if module.credit is None:
        # Legacy: the online hours when the whole module is complete; live as attended.
        complete = override or (
            lessons_ok
            and quiz_passed
            and completion_ok
            and active_ok
            and (practicum_ok or getattr(module, "journal", None) is None)
        )
        hours["online"] = declared["online"] if complete else 0.0
    else:
        complete = override or (
            lessons_ok
            and quiz_passed
            and active_ok
            and completion_ok
            and live_ok
            and (practicum_ok or not has_journal)
        )
        hours["online"] = declared["online"] if (online_ok or override) else 0.0
        hours["assignment"] = declared["assignment"] if (assignment_ok or override) else 0.0
        hours["practicum"] = declared["practicum"] if (practicum_ok or override) else 0.0
    hours["live"] = live_hours
    unlocks = override or (lessons_ok and quiz_passed and active_ok and completion_ok)
    if module.credit is None:
        unlocks = complete
    return ModuleCreditResult(complete, hours, live_hours, state, unlocks_next=unlocks)
