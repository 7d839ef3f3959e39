"""Reading a module's journal.yaml: the practicum journal, its entry prompts and its rubric.

The rubric part has the keys of assignment.yaml (criteria with levels, must_pass / min_level,
revision_triggers, points, pass_mark, max_attempts) and is read by the assignment reader, so a
journal is marked exactly like an assignment: `Journal.assignment` is what grading sees (kind
"journal", online text only, the journal's own gradebook column).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms_plugin.courses.content import Assignment
from lms_plugin.courses.markdown_checks import LessonLink
from lms_plugin.courses.reader_items import ASSIGNMENT_KEYS, read_assignment
from lms_plugin.courses.source import FileCheck, IdRegistry, LineDict, line_of

JOURNAL_OWN_KEYS = {"min_entries", "entry_prompts"}
# What a journal cannot have: it is written as dated entries, never uploaded.
NOT_FOR_JOURNALS = {
    "submission_types",
    "max_files",
    "max_file_mb",
    "file_types",
    "min_words",
    "max_words",
}
RUBRIC_KEYS = ASSIGNMENT_KEYS - NOT_FOR_JOURNALS
JOURNAL_KEYS = RUBRIC_KEYS | JOURNAL_OWN_KEYS
DEFAULT_MAX_ATTEMPTS = 3
MAX_MIN_ENTRIES = 50
MAX_PROMPTS = 20  # the entry form has one answer per prompt


@dataclass(frozen=True)
class Journal:
    """A practicum and reflective journal: dated entries, submitted as a whole, graded."""

    id: str
    module_id: str
    title: dict[str, str]
    brief: dict[str, str]  # Markdown
    min_entries: int
    entry_prompts: tuple[dict[str, str], ...]
    assignment: Assignment  # the rubric and marking settings grading uses (same id)

    @property
    def rubric(self) -> Any:
        return self.assignment.rubric


def journal_column(module_id: str, *, module_has_grade: bool) -> str:
    """The journal's gradebook column: the module's own when nothing else grades the module,
    else its own `journal:<module id>` activity (as `quiz:<module id>` for checks)."""
    return f"journal:{module_id}" if module_has_grade else f"module:{module_id}"


def read_journal(
    check: FileCheck,
    raw: Any,
    module_id: str,
    module_dir: Path,
    ids: IdRegistry,
    links: list[LessonLink],
    words: dict[str, int],
) -> Journal | None:
    """The module's journal, or None when the file is unusable."""
    data = check.mapping(raw, "journal.yaml")
    if not data:
        return None
    check.keys(data, JOURNAL_KEYS, "journal.yaml")
    min_entries = check.get(data, "min_entries", int, 1, where="journal")
    if not 1 <= min_entries <= MAX_MIN_ENTRIES:
        check.problem(
            line_of(data, "min_entries"),
            f"journal.min_entries must be from 1 to {MAX_MIN_ENTRIES}, not {min_entries}",
        )
        min_entries = max(1, min(min_entries, MAX_MIN_ENTRIES))
    prompts = _entry_prompts(check, data)
    assignment = read_assignment(
        check, _rubric_part(data), module_id, module_dir, ids, links, words
    )
    if assignment is None:
        return None
    has_grade = (module_dir / "assignment.yaml").is_file() or (module_dir / "quiz.yaml").is_file()
    assignment = dataclasses.replace(
        assignment,
        kind="journal",
        resource_id=journal_column(module_id, module_has_grade=has_grade),
    )
    return Journal(
        id=assignment.id,
        module_id=module_id,
        title=assignment.title,
        brief=assignment.brief,
        min_entries=min_entries,
        entry_prompts=prompts,
        assignment=assignment,
    )


def _entry_prompts(check: FileCheck, data: LineDict) -> tuple[dict[str, str], ...]:
    items = check.get(data, "entry_prompts", list, [], where="journal")
    if "entry_prompts" in data and isinstance(data["entry_prompts"], list) and not items:
        check.problem(line_of(data, "entry_prompts"), "journal.entry_prompts needs at least 1 item")
    if len(items) > MAX_PROMPTS:
        check.problem(
            line_of(data, "entry_prompts"),
            f"journal.entry_prompts has {len(items)} items; at most {MAX_PROMPTS}",
        )
        items = items[:MAX_PROMPTS]
    prompts: list[dict[str, str]] = []
    for number, item in enumerate(items, start=1):
        label = f"journal.entry_prompts item {number}"
        if not isinstance(item, LineDict):
            check.problem(
                line_of(data, "entry_prompts"), f"{label} must be a {{hu: ..., en: ...}} text map"
            )
            continue
        prompts.append(check.text_map(item, label, line_of(item)))
    return tuple(prompts)


def _rubric_part(data: LineDict) -> LineDict:
    """journal.yaml as the assignment reader expects it: its rubric keys, online text only."""
    part = LineDict({k: v for k, v in data.items() if k in RUBRIC_KEYS})
    part.line = data.line
    part.key_lines = {k: line for k, line in data.key_lines.items() if k in RUBRIC_KEYS}
    part.duplicates = []
    part["submission_types"] = ["text"]
    part.key_lines["submission_types"] = data.line
    if "max_attempts" not in part:
        part["max_attempts"] = DEFAULT_MAX_ATTEMPTS
    return part
