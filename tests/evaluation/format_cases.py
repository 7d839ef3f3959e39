"""What `courses check` must report for the broken evaluation fixture (used by test_validator)."""

from __future__ import annotations

C = "tiny/course.yaml"

EXPECTED_EVALUATION: dict[str, list[tuple[str, int, str]]] = {
    "evaluation": [
        (C, 22, "scale values must be whole numbers counting up by one, not [1, 3]"),
        (C, 28, "statement id 'listen' is used twice"),
        (C, 29, "statement listen.text has no 'en' text"),
        (C, 31, "min_group must be at least 5: smaller groups are not anonymous"),
        (C, 37, "survey question useful: type must be 'scale' or 'text'"),
    ],
}
