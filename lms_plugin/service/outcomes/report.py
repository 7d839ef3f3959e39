"""The programme's year report (.xlsx and PDF, Hungarian and English) as a background job.

Every figure comes from `figures.year_figures`, the function the dashboard shows, so the report
and the dashboard agree; student counts below 5 go through `suppression.show` in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from fpdf import FPDF
from sqlalchemy import func, select

from lms_plugin.coordination import certs
from lms_plugin.coordination.models import MentorProfile, Placement, Programme, School
from lms_plugin.coordination.scope import Scope
from lms_plugin.db import db
from lms_plugin.jobs import services as jobs
from lms_plugin.jobs.models import Job
from lms_plugin.service import choices
from lms_plugin.service.models import SessionAttendance, TrainingSession
from lms_plugin.service.outcomes.figures import Line, YearFigures, year_figures
from lms_plugin.service.suppression import SMALL_COUNT, show

REPORT_KIND = "service_year_report"
FORMATS = ("pdf", "xlsx")
FONTS = Path(__file__).resolve().parents[2] / "fonts"
PDF_MAX_SCHOOLS = 200


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str | int | float]]


def params(
    scope: Scope,
    programme_id: int,
    school_year: str,
    *,
    centre_id: int | None,
    school_id: int | None,
    lang: str,
    fmt: str,
    base_url: str,
) -> dict[str, Any]:
    """What the job needs to recompute the coordinator's view outside the request."""
    return {
        "scope": scope.params(),
        "programme_id": programme_id,
        "school_year": school_year,
        "centre_id": centre_id,
        "school_id": school_id,
        "lang": lang,
        "fmt": fmt,
        "base_url": base_url,
    }


def figures_for(job_params: dict[str, Any]) -> YearFigures:
    """The figures in view, with the scope saved when the job was queued."""
    scope = Scope.from_params(job_params["scope"])
    programme = db.session.get(Programme, int(job_params["programme_id"]))
    if programme is None or not scope.sees_programme(programme.id):
        raise LookupError("programme not in scope")
    centres = scope.centres_of(programme.id)
    centre_id = job_params.get("centre_id")
    if centre_id:
        if centres is not None and int(centre_id) not in centres:
            raise LookupError("centre not in scope")
        centres = frozenset({int(centre_id)})
    school_id = job_params.get("school_id")
    if school_id:
        school = db.session.get(School, int(school_id))
        if school is None or not scope.sees_school(school):
            raise LookupError("school not in scope")
    return year_figures(
        programme,
        str(job_params["school_year"]),
        centre_ids=centres,
        school_id=int(school_id) if school_id else None,
        with_themes=True,
    )


def headline(f: YearFigures) -> dict[str, int]:
    """The announcement's figures: centres, schools, mentors, helpers prepared and active."""
    school_ids = [line.key for line in f.schools] or [-1]
    mentor_users = select(MentorProfile.user_id).where(
        MentorProfile.id.in_(select(Placement.mentor_id).where(Placement.school_id.in_(school_ids)))
        | MentorProfile.home_school_id.in_(school_ids)
    )
    valid = certs.valid_user_ids()
    certified = (
        db.session.scalar(
            select(func.count()).select_from(
                mentor_users.where(MentorProfile.user_id.in_(valid)).subquery()
            )
        )
        if valid is not None
        else 0
    )
    active = db.session.scalar(
        select(func.count(func.distinct(SessionAttendance.helper_id)))
        .join(TrainingSession, TrainingSession.id == SessionAttendance.session_id)
        .where(
            TrainingSession.school_id.in_(school_ids),
            TrainingSession.school_year == f.school_year,
        )
    )
    return {
        "centres": len(f.centres),
        "schools": f.total.schools,
        "mentors_certified": int(certified or 0),
        "mentors_placed": f.total.coverage.mentors,
        "helpers_prepared": f.total.coverage.helpers,
        "helpers_active": int(active or 0),
    }


def _outcome_cells(line: Line) -> list[str | int | float]:
    def term(o: Any, name: str) -> str:
        return show(getattr(o, name)) if o.schools else "–"

    def absence(o: Any) -> str:
        return str(o.avg_unjustified_absence) if o.schools and o.enrolled >= SMALL_COUNT else "–"

    return [
        line.name,
        term(line.before, "enrolled"),
        term(line.after, "enrolled"),
        term(line.before, "at_risk"),
        term(line.after, "at_risk"),
        absence(line.before),
        absence(line.after),
        term(line.before, "grade_repetitions"),
        term(line.after, "grade_repetitions"),
        term(line.before, "left_school"),
        term(line.after, "left_school"),
    ]


def tables(f: YearFigures, *, per_school: bool = True) -> list[Table]:
    """The report's tables in the current locale (call inside `force_locale`); `per_school`
    False leaves out the school lines (a PDF of 1,000 schools helps nobody: the .xlsx has them)."""
    schools = f.schools if per_school else []
    head = headline(f)
    c = f.total.coverage
    out = [
        Table(
            _("The programme"),
            [_("Figure"), _("Value")],
            [
                [_("Training centres"), head["centres"]],
                [_("Schools"), head["schools"]],
                [_("Certified mentors at these schools"), head["mentors_certified"]],
                [_("Mentor placements"), head["mentors_placed"]],
                [_("Peer helpers prepared (linked to a mentor)"), head["helpers_prepared"]],
                [
                    _("Peer helpers active (at a training session this year)"),
                    head["helpers_active"],
                ],
            ],
        ),
        Table(
            _("Training delivered"),
            [_("Figure"), _("Value")],
            [
                [_("Helper-training sessions"), c.sessions],
                [_("Hours of helper training"), c.session_hours],
                [_("Supervision and case-discussion meetings"), c.meetings],
            ],
        ),
        Table(
            _("Support given: contacts by theme"),
            [_("Theme"), _("Contacts")],
            [[str(label), f.contacts_by_theme.get(key, 0)] for key, label in choices.THEMES.items()]
            + [[_("All"), c.contacts]],
        ),
        Table(
            _("Safeguarding referrals by category and status"),
            [_("Category")] + [str(s) for s in choices.STATUSES.values()],
            [
                [str(label)]  # type: ignore[misc]
                + [show(f.referrals_by.get((key, status), 0)) for status in choices.STATUSES]
                for key, label in choices.CATEGORIES.items()
            ],
        ),
    ]
    outcome_header = [
        _("Scope"),
        _("Enrolled, term 1"),
        _("Enrolled, term 2"),
        _("At risk, term 1"),
        _("At risk, term 2"),
        _("Unjustified absence (h), term 1"),
        _("Unjustified absence (h), term 2"),
        _("Grade repetitions, term 1"),
        _("Grade repetitions, term 2"),
        _("Left school, term 1"),
        _("Left school, term 2"),
    ]
    out.append(
        Table(
            _("Outcome indicators"),
            outcome_header,
            [_outcome_cells(f.total)]
            + [_outcome_cells(line) for line in f.centres]
            + [_outcome_cells(line) for line in schools],
        )
    )
    coverage_header = [
        _("School"),
        _("Mentors"),
        _("Helpers"),
        _("Sessions"),
        _("Hours"),
        _("Meetings"),
        _("Contacts"),
        _("Referrals"),
    ]
    out.append(
        Table(
            _("Coverage per school"),
            coverage_header,
            [
                [
                    line.name,
                    line.coverage.mentors,
                    line.coverage.helpers,
                    line.coverage.sessions,
                    line.coverage.session_hours,
                    line.coverage.meetings,
                    line.coverage.contacts,
                    show(line.coverage.referrals),
                ]
                for line in schools
            ],
        )
    )
    return out


def title(f: YearFigures) -> str:
    return _("%(programme)s – year report %(year)s", programme=f.programme.name, year=f.school_year)


def write_xlsx(f: YearFigures, handle: Any) -> None:
    book = xlsxwriter.Workbook(handle, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(_("Report")[:31])
    sheet.write_string(0, 0, title(f), bold)
    sheet.write_string(
        1, 0, _("Counts of students below %(n)d are shown as “< %(n)d”.", n=SMALL_COUNT)
    )
    row = 3
    for table in tables(f):
        sheet.write_string(row, 0, table.title, bold)
        row += 1
        for col, text in enumerate(table.header):
            sheet.write_string(row, col, text, bold)
        row += 1
        for cells in table.rows:
            for col, value in enumerate(cells):
                if isinstance(value, (int, float)):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, str(value))
            row += 1
        row += 1
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 10, 14)
    book.close()


def render_pdf(f: YearFigures, lang: str) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_lang(lang)
    pdf.set_title(title(f))
    pdf.set_creator("lms_plugin")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, title(f), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    note = _("Counts of students below %(n)d are shown as “< %(n)d”.", n=SMALL_COUNT)
    pdf.multi_cell(0, 6, note, new_x="LMARGIN", new_y="NEXT")
    per_school = len(f.schools) <= PDF_MAX_SCHOOLS
    if not per_school:
        pdf.multi_cell(
            0,
            6,
            _("The school lines of this scope are in the report's .xlsx."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for table in tables(f, per_school=per_school):
        if not table.rows:
            continue
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 7 if len(table.header) > 6 else 9)
        with pdf.table(text_align="LEFT", first_row_as_headings=True) as grid:
            all_rows: list[list[Any]] = [list(table.header), *table.rows]
            for cells in all_rows:
                line = grid.row()
                for value in cells:
                    line.cell(str(value))
    return bytes(pdf.output())


@jobs.handler(REPORT_KIND)
def build_report(job: Job, progress: jobs.Progress) -> jobs.Output:
    """Compute the figures and write the report in the requested language and format."""
    lang = str(job.params.get("lang", "hu"))
    fmt = str(job.params.get("fmt", "pdf"))
    progress(0, 2, force=True)
    figures = figures_for(job.params)
    progress(1, 2, force=True)
    name, handle = jobs.open_output()
    with force_locale(lang), handle:
        if fmt == "xlsx":
            write_xlsx(figures, handle)
        else:
            handle.write(render_pdf(figures, lang))
    progress(2, 2, force=True)
    stamp = date.today().isoformat()
    year = figures.school_year.replace("/", "-")
    return jobs.Output(result_name=name, download_name=f"report-{year}-{lang}-{stamp}.{fmt}")
