"""CSV import and export of training centres and schools: all rows or none, errors per row.

The export is written by `lms_plugin.tabular` (BOM, the locale's separator, formulas neutralised)
with the import's column names, so the file a coordinator downloads imports back unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms_plugin.coordination.models import Programme, School, TrainingCentre
from lms_plugin.coordination.organisation.services import join_fields
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.tabular import Column

COLUMNS = (
    "centre_code",
    "centre_name",
    "school_code",
    "school_name",
    "municipality",
    "vocational_fields",
    "target_helpers",
)
REQUIRED = ("centre_code", "centre_name", "school_code", "school_name", "municipality")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file; the header is line 1
    column: str
    message: str


@dataclass(frozen=True)
class OrgRow:
    row: int
    centre_code: str
    centre_name: str
    school_code: str
    school_name: str
    municipality: str
    fields: str
    target_helpers: int


@dataclass
class ParsedImport:
    rows: list[OrgRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


@dataclass(frozen=True)
class ImportSummary:
    centres_created: int
    centres_updated: int
    schools_created: int
    schools_updated: int


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM); Excel's Hungarian 'CSV' (Windows-1250) as a fallback."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1250", errors="replace"), "windows-1250"


def parse(data: bytes) -> ParsedImport:
    """Read and check every row; nothing is written."""
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    result = ParsedImport(encoding=encoding, delimiter=delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if not header or missing:
        for col in missing or REQUIRED:
            result.errors.append(RowError(1, col, _("This column is missing from the first line.")))
        return result
    index = {name: header.index(name) for name in COLUMNS if name in header}
    centres: dict[str, str] = {}
    schools_seen: dict[str, int] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(result.rows) + len(result.errors) > MAX_ROWS:
            result.errors.append(RowError(line_no, "", _("The file has too many rows.")))
            break
        row = _check_row(line_no, cells, index, result.errors, centres, schools_seen)
        if row is not None:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(RowError(2, "", _("The file has no data rows.")))
    return result


def _check_row(
    line: int,
    cells: list[str],
    index: dict[str, int],
    errors: list[RowError],
    centres: dict[str, str],
    schools_seen: dict[str, int],
) -> OrgRow | None:
    def cell(name: str) -> str:
        i = index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    before = len(errors)
    values = {name: cell(name) for name in COLUMNS}
    limits = {"centre_code": 32, "school_code": 32, "municipality": 120}
    for name in REQUIRED:
        if not values[name]:
            errors.append(RowError(line, name, _("This value is required.")))
        elif len(values[name]) > limits.get(name, 255):
            errors.append(RowError(line, name, _("This value is too long.")))
    target = 0
    if values["target_helpers"]:
        try:
            target = int(values["target_helpers"])
            if not 0 <= target <= 1000:
                raise ValueError
        except ValueError:
            errors.append(
                RowError(line, "target_helpers", _("Give a whole number between 0 and 1000."))
            )
    fields = [f.strip() for f in values["vocational_fields"].replace(",", "|").split("|")]
    if any(len(f) > 120 for f in fields):
        errors.append(
            RowError(line, "vocational_fields", _("A vocational field name is too long."))
        )
    code, name = values["centre_code"], values["centre_name"]
    if code and name and centres.setdefault(code, name) != name:
        errors.append(
            RowError(
                line,
                "centre_name",
                _("Centre %(code)s has another name in an earlier row.", code=code),
            )
        )
    school = values["school_code"]
    if school and school in schools_seen:
        errors.append(
            RowError(
                line,
                "school_code",
                _("School code already used in row %(row)s.", row=schools_seen[school]),
            )
        )
    elif school:
        schools_seen[school] = line
    if len(errors) > before:
        return None
    return OrgRow(
        line,
        code,
        name,
        school,
        values["school_name"],
        values["municipality"],
        join_fields(fields),
        target,
    )


def preview_counts(programme: Programme, rows: list[OrgRow]) -> ImportSummary:
    """What an import would create and update."""
    known_centres = set(
        db.session.scalars(
            select(TrainingCentre.code).where(TrainingCentre.programme_id == programme.id)
        )
    )
    known_schools = set(
        db.session.scalars(select(School.code).where(School.programme_id == programme.id))
    )
    centre_codes = {r.centre_code for r in rows}
    school_codes = {r.school_code for r in rows}
    return ImportSummary(
        centres_created=len(centre_codes - known_centres),
        centres_updated=len(centre_codes & known_centres),
        schools_created=len(school_codes - known_schools),
        schools_updated=len(school_codes & known_schools),
    )


def apply(
    programme: Programme, data: bytes, progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Parse again and write every row, or nothing: any error rolls the whole import back.

    `progress(done, total)` is told how many rows are written (the background import's bar)."""
    parsed = parse(data)
    if parsed.errors:
        raise DomainError(_("The file has errors; nothing was imported."), status_code=422)
    summary = preview_counts(programme, parsed.rows)
    with db.session.begin_nested():
        centres = {
            c.code: c
            for c in db.session.scalars(
                select(TrainingCentre).where(TrainingCentre.programme_id == programme.id)
            )
        }
        schools = {
            s.code: s
            for s in db.session.scalars(select(School).where(School.programme_id == programme.id))
        }
        total = len(parsed.rows)
        for done, row in enumerate(parsed.rows, start=1):
            if progress is not None:
                progress(done - 1, total)
            centre = centres.get(row.centre_code)
            if centre is None:
                centre = TrainingCentre(
                    programme_id=programme.id, code=row.centre_code, name=row.centre_name
                )
                db.session.add(centre)
                db.session.flush()
                centres[row.centre_code] = centre
            centre.name = row.centre_name
            centre.municipality = centre.municipality or row.municipality
            school = schools.get(row.school_code)
            if school is None:
                school = School(programme_id=programme.id, code=row.school_code)
                db.session.add(school)
                schools[row.school_code] = school
            school.centre_id = centre.id
            school.name = row.school_name
            school.municipality = row.municipality
            school.vocational_fields = row.fields
            school.target_helpers = row.target_helpers
        db.session.flush()
    return summary


def export_columns() -> list[Column]:
    """The export's headers: the import's own column names, untranslated on purpose (this is the
    file a coordinator edits and imports back; `parse` finds its columns by these names)."""
    return [Column(name) for name in COLUMNS]


def export_rows(
    programme: Programme, centre_ids: frozenset[int] | None = None
) -> Iterator[tuple[object, ...]]:
    """The centres and schools in the import's column order, read as they are written out.

    `centre_ids`: only these centres (a coordinator's scope); None: the whole programme."""
    query = (
        select(
            TrainingCentre.code,
            TrainingCentre.name,
            School.code,
            School.name,
            School.municipality,
            School.vocational_fields,
            School.target_helpers,
        )
        .join(TrainingCentre, School.centre_id == TrainingCentre.id)
        .where(School.programme_id == programme.id)
        .order_by(TrainingCentre.code, School.code)
    )
    if centre_ids is not None:
        query = query.where(School.centre_id.in_(centre_ids))
    for row in db.session.execute(query.execution_options(yield_per=2000)):
        yield tuple(row)
