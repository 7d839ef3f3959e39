"""What the validator reports for the broken journal fixture (tests/courses/fixtures/broken)."""

from __future__ import annotations

J = "tiny/modules/02-practice/journal.yaml"

EXPECTED_JOURNAL: dict[str, list[tuple[str, int, str]]] = {
    "journal": [
        (J, 4, "journal.min_entries must be from 1 to 50, not 0"),
        (J, 6, "journal.entry_prompts item 1 has no 'en' text"),
        (J, 7, "unknown key 'submission_types' in journal.yaml"),
    ],
}
