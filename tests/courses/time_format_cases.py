"""Broken fixtures of the time-on-task and hours-by-kind keys: kind → (file, line, words)."""

from __future__ import annotations

M1 = "tiny/modules/01-basics"
M2 = "tiny/modules/02-practice"

EXPECTED_TIME: dict[str, list[tuple[str, int, str]]] = {
    "time-settings": [
        ("tiny/course.yaml", 9, "reading_speed_wpm must be from 60 to 600"),
        ("tiny/course.yaml", 10, "min_active_share must be from 0 to 1"),
        ("tiny/course.yaml", 11, "time_on_task must be 'advisory' or 'enforced'"),
    ],
    "credit-rules": [("tiny/course.yaml", 10, "credit_rules.online must be one of")],
    "time-band": [(f"{M1}/lessons/01-first.hu.md", 3, "minutes (5) is outside 0.75–1.5 ×")],
    "credit-sum": [(f"{M1}/module.yaml", 5, "credit kinds add up to 0.75 but the module hours")],
    "credit-assignment": [(f"{M1}/module.yaml", 7, "credit.assignment is more than 0 but")],
    "credit-face-to-face": [(f"{M2}/module.yaml", 4, "face_to_face_hours and credit: both")],
    "activity-minutes": [(f"{M2}/lessons/01-third.en.md", 4, "activity_minutes must be from 0")],
}
