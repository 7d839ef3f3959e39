"""Outcome indicators per school and term: entry, and the all-or-nothing CSV import."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import Programme, School
from lms_plugin.coordination.organisation.csv_import import RowError, decode
from lms_plugin.db import db, utcnow
from lms_plugin.errors import DomainError
from lms_plugin.service.models import OutcomeFigures

COLUMNS = (
    "school_code",
    "term",
    "enrolled",
    "at_risk",
    "avg_unjustified_absence",
    "grade_repetitions",
    "left_school",
)
COUNTS = ("enrolled", "at_risk", "grade_repetitions", "left_school")
MAX_ROWS = 20_000
MAX_ENROLLED = 20_000
MAX_ABSENCE = 1_000.0
TERM = re.compile(r"^(\d{4})/(\d{2})-([12])$")


def valid_term(term: str) -> bool:
    """ "2026/27-1" (autumn) or "2026/27-2" (spring)."""
    found = TERM.match(term)
    return bool(found) and (int(found.group(1)) + 1) % 100 == int(found.group(2))  # type: ignore[union-attr]


def terms_of(school_year: str) -> tuple[str, str]:
    return f"{school_year}-1", f"{school_year}-2"


@dataclass(frozen=True)
class Figures:
    """One school's indicators for a term."""

    enrolled: int
    at_risk: int
    avg_unjustified_absence: float
    grade_repetitions: int
    left_school: int


def check(figures: Figures) -> list[tuple[str, str]]:
    """(column, message) for every value that cannot be right."""
    problems: list[tuple[str, str]] = []
    if not 0 <= figures.enrolled <= MAX_ENROLLED:
        problems.append(
            ("enrolled", _("Give a whole number between 0 and %(max)d.", max=MAX_ENROLLED))
        )
    for name in ("at_risk", "grade_repetitions", "left_school"):
        value = getattr(figures, name)
        if value < 0 or value > figures.enrolled:
            problems.append((name, _("Give a whole number between 0 and the students enrolled.")))
    if not 0 <= figures.avg_unjustified_absence <= MAX_ABSENCE:
        problems.append(
            (
                "avg_unjustified_absence",
                _("Give hours between 0 and %(max)d.", max=int(MAX_ABSENCE)),
            )
        )
    return problems


def save(school: School, term: str, figures: Figures, by: User | None) -> OutcomeFigures:
    """Create or replace the school's figures for the term (flush; the caller commits)."""
    if not valid_term(term):
        raise DomainError(_("A term looks like 2026/27-1 or 2026/27-2."), status_code=422)
    problems = check(figures)
    if problems:
        raise DomainError(problems[0][1], status_code=422)
    row = db.session.scalar(
        select(OutcomeFigures).where(
            OutcomeFigures.school_id == school.id, OutcomeFigures.term == term
        )
    )
    if row is None:
        row = OutcomeFigures(school_id=school.id, term=term, **_values(figures))
        db.session.add(row)
    else:
        for key, value in _values(figures).items():
            setattr(row, key, value)
        row.updated_at = utcnow()
    row.entered_by_id = by.id if by else None
    db.session.flush()
    return row


def _values(figures: Figures) -> dict[str, float | int]:
    return {
        "enrolled": figures.enrolled,
        "at_risk": figures.at_risk,
        "avg_unjustified_absence": round(figures.avg_unjustified_absence, 2),
        "grade_repetitions": figures.grade_repetitions,
        "left_school": figures.left_school,
    }


@dataclass(frozen=True)
class OutcomeRow:
    row: int
    school_id: int
    school_code: str
    term: str
    figures: Figures


@dataclass
class ParsedOutcomes:
    rows: list[OutcomeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"
    created: int = 0
    updated: int = 0


def _number(raw: str, *, decimal: bool) -> float | int | None:
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if decimal:
        text = text.replace(",", ".")
        if not re.fullmatch(r"\d{1,6}(\.\d{1,2})?", text):
            return None
        return float(text)
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        return None
    return int(text)


def parse(programme: Programme, data: bytes, allowed: set[int]) -> ParsedOutcomes:
    """Check every row of a school export; nothing is written. `allowed`: school ids in scope."""
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    result = ParsedOutcomes(encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower().lstrip("\ufeff") for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        for col in missing:
            result.errors.append(RowError(1, col, _("This column is missing from the first line.")))
        return result
    index = {name: header.index(name) for name in COLUMNS}
    schools = {
        code: school_id
        for code, school_id in db.session.execute(
            select(School.code, School.id).where(School.programme_id == programme.id)
        )
    }
    seen: dict[tuple[str, str], int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(result.rows) + len(result.errors) > MAX_ROWS:
            result.errors.append(RowError(line, "", _("The file has too many rows.")))
            break
        row = _row(line, cells, index, schools, allowed, seen, result.errors)
        if row is not None:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", _("The file has no data rows.")))
    if not result.errors:
        known = {
            (school_id, term)
            for school_id, term in db.session.execute(
                select(OutcomeFigures.school_id, OutcomeFigures.term).where(
                    OutcomeFigures.school_id.in_({r.school_id for r in result.rows})
                )
            )
        }
        result.updated = sum((r.school_id, r.term) in known for r in result.rows)
        result.created = len(result.rows) - result.updated
    return result


def _row(
    line: int,
    cells: list[str],
    index: dict[str, int],
    schools: dict[str, int],
    allowed: set[int],
    seen: dict[tuple[str, str], int],
    errors: list[RowError],
) -> OutcomeRow | None:
    def cell(name: str) -> str:
        i = index[name]
        return cells[i].strip() if i < len(cells) else ""

    before = len(errors)
    code, term = cell("school_code"), cell("term")
    school_id = schools.get(code)
    if school_id is None or school_id not in allowed:
        errors.append(
            RowError(line, "school_code", _("No school with this code in the programme."))
        )
    if not valid_term(term):
        errors.append(RowError(line, "term", _("A term looks like 2026/27-1 or 2026/27-2.")))
    values: dict[str, float | int] = {}
    for name in COLUMNS[2:]:
        number = _number(cell(name), decimal=name == "avg_unjustified_absence")
        if number is None:
            errors.append(RowError(line, name, _("Give a number.")))
        else:
            values[name] = number
    if len(errors) > before:
        return None
    figures = Figures(
        enrolled=int(values["enrolled"]),
        at_risk=int(values["at_risk"]),
        avg_unjustified_absence=float(values["avg_unjustified_absence"]),
        grade_repetitions=int(values["grade_repetitions"]),
        left_school=int(values["left_school"]),
    )
    for column, message in check(figures):
        errors.append(RowError(line, column, message))
    assert school_id is not None
    if (code, term) in seen:
        errors.append(
            RowError(
                line,
                "term",
                _("This school and term are already in row %(row)s.", row=seen[(code, term)]),
            )
        )
    seen.setdefault((code, term), line)
    if len(errors) > before:
        return None
    return OutcomeRow(line, school_id, code, term, figures)


def apply(programme: Programme, data: bytes, allowed: set[int], by: User) -> ParsedOutcomes:
    """Parse again and write every row, or nothing."""
    parsed = parse(programme, data, allowed)
    if parsed.errors:
        raise DomainError(_("The file has errors; nothing was imported."), status_code=422)
    with db.session.begin_nested():
        for row in parsed.rows:
            school = db.session.get(School, row.school_id)
            assert school is not None
            save(school, row.term, row.figures, by)
    return parsed
