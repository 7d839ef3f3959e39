"""Reading hours by kind and time on task: module.yaml `credit:`, course.yaml `credit_rules:`,
`reading_speed_wpm:`, `min_active_share:` and `time_on_task:` (see docs/course-format.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms_plugin.courses.content import CREDIT_KINDS, CreditRules, Module, ModuleCredit
from lms_plugin.courses.source import FileCheck, LineDict, line_of

COURSE_TIME_KEYS = {"reading_speed_wpm", "min_active_share", "time_on_task", "credit_rules"}
RULE_CHOICES: dict[str, tuple[str, ...]] = {
    "online": ("lessons_and_check", "lessons"),
    "assignment": ("passed", "submitted"),
    "live": ("attended",),
    "practicum": ("passed", "submitted"),
}
TIME_MODES = ("advisory", "enforced")
EPSILON = 1e-6


@dataclass(frozen=True)
class TimeSettings:
    """course.yaml's time-on-task and credit settings."""

    reading_speed_wpm: int = 180
    min_active_share: float = 0.5
    time_on_task: str = "advisory"
    credit_rules: CreditRules = field(default_factory=CreditRules)


def read_time_settings(check: FileCheck, data: LineDict) -> TimeSettings:
    """The course's settings; a wrong value is reported and its default used."""
    wpm = check.get(data, "reading_speed_wpm", int, 180, required=False, where="course")
    if not 60 <= wpm <= 600:
        check.problem(
            line_of(data, "reading_speed_wpm"), "reading_speed_wpm must be from 60 to 600"
        )
        wpm = 180
    share = float(
        check.get(data, "min_active_share", (int, float), 0.5, required=False, where="course")
    )
    if not 0 <= share <= 1:
        check.problem(line_of(data, "min_active_share"), "min_active_share must be from 0 to 1")
        share = 0.5
    mode = check.get(data, "time_on_task", str, "advisory", required=False, where="course")
    if mode not in TIME_MODES:
        check.problem(
            line_of(data, "time_on_task"), "time_on_task must be 'advisory' or 'enforced'"
        )
        mode = "advisory"
    return TimeSettings(wpm, share, mode, _credit_rules(check, data))


def _credit_rules(check: FileCheck, data: LineDict) -> CreditRules:
    raw = check.get(data, "credit_rules", dict, LineDict(), required=False, where="course")
    check.keys(raw, set(RULE_CHOICES), "credit_rules")
    chosen: dict[str, str] = {}
    for kind, choices in RULE_CHOICES.items():
        value = check.get(raw, kind, str, choices[0], required=False, where="credit_rules")
        if value not in choices:
            check.problem(
                line_of(raw, kind),
                f"credit_rules.{kind} must be one of: " + ", ".join(choices),
            )
            value = choices[0]
        chosen[kind] = value
    return CreditRules(**chosen)


def read_credit(
    check: FileCheck, data: LineDict, hours: float | None, face_to_face: float
) -> ModuleCredit | None:
    """module.yaml `credit:` (hours by kind), or None when the module does not declare it."""
    if "credit" not in data:
        return None
    raw = check.get(data, "credit", dict, None, required=False, where="module")
    if raw is None:
        return None
    check.keys(raw, set(CREDIT_KINDS), "credit")
    values: dict[str, float] = {}
    for kind in CREDIT_KINDS:
        value = float(check.get(raw, kind, (int, float), 0, required=False, where="credit"))
        if value < 0:
            check.problem(line_of(raw, kind), f"credit.{kind} must not be negative")
            value = 0.0
        values[kind] = value
    total = sum(values.values())
    if hours is not None and abs(total - hours) > EPSILON:
        check.problem(
            line_of(data, "credit"),
            f"the credit kinds add up to {total:g} but the module hours are {hours:g}",
        )
    if face_to_face > 0:
        check.problem(
            line_of(data, "face_to_face_hours"),
            "face_to_face_hours and credit: both given; declare the live hours as credit.live",
        )
    return ModuleCredit(**values)


def check_credit(check: FileCheck, data: LineDict, module: Module) -> None:
    """Rules between `credit:` and the module's items (assignment, journal, live sessions)."""
    credit = module.credit
    if credit is None:
        return
    raw = data.get("credit")
    if credit.assignment > 0 and module.assignment is None:
        check.problem(
            line_of(raw, "assignment"),
            "credit.assignment is more than 0 but the module has no assignment.yaml",
        )
    journal = getattr(module, "journal", _ABSENT)
    if journal is not _ABSENT and credit.practicum > 0 and journal is None:
        check.problem(
            line_of(raw, "practicum"),
            "credit.practicum is more than 0 but the module has no journal.yaml",
        )
    sessions = getattr(module, "live_sessions", _ABSENT)
    if sessions is not _ABSENT:
        declared = sum(float(getattr(s, "hours", 0) or 0) for s in sessions or ())
        if abs(declared - credit.live) > EPSILON:
            check.problem(
                line_of(raw, "live"),
                f"credit.live is {credit.live:g} but the module's live_sessions add up to "
                f"{declared:g}",
            )


_ABSENT: Any = object()


def hours_by_kind(module: Module) -> dict[str, float]:
    """The module's hours by kind: its `credit:`, else online (and legacy face-to-face as live)."""
    if module.credit is not None:
        return module.credit.as_dict()
    live = float(module.face_to_face_hours)
    return {"online": float(module.hours) - live, "assignment": 0.0, "live": live, "practicum": 0.0}


def course_hours_by_kind(course: Any) -> dict[str, float]:
    """The course's core hours by kind (what the credit by kind is out of)."""
    total = dict.fromkeys(CREDIT_KINDS, 0.0)
    for module in course.core_modules:
        for kind, hours in hours_by_kind(module).items():
            total[kind] += hours
    return {kind: round(hours, 2) for kind, hours in total.items()}
