"""Outcome indicators: entry, the all-or-nothing CSV import, the dashboard, small-count rules."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.service.models import OutcomeFigures
from lms_plugin.service.suppression import show, suppressed
from tests.service.conftest import Year, as_coordinator, as_mentor

HEADER = "school_code;term;enrolled;at_risk;avg_unjustified_absence;grade_repetitions;left_school\n"


def _upload(client: FlaskClient, year: Year, text: str) -> tuple[int, str]:
    response = client.post(
        f"/service/outcomes/import?programme={year.org.programme.id}",
        data={"file": (io.BytesIO(text.encode("utf-8")), "outcomes.csv")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_small_counts_are_suppressed_by_one_rule() -> None:
    assert [suppressed(n) for n in (0, 1, 4, 5, 120)] == [0, None, None, 5, 120]
    assert suppressed(None) is None
    assert [show(n) for n in (0, 4, 5)] == ["0", "< 5", "5"]


def test_one_bad_row_imports_nothing_and_is_named(client: FlaskClient, year: Year) -> None:
    as_coordinator(client, year)
    text = HEADER + "S0;2026/27-1;420;35;12,5;8;6\nS1;2026/27-1;300;400;9;2;1\n"
    status, page = _upload(client, year, text)
    assert status == 422
    assert re.search(r"<td>3</td><td>at_risk</td>", page)
    assert "Nothing was imported" in page
    assert db.session.scalars(select(OutcomeFigures)).all() == []


def test_a_good_file_previews_then_imports_every_row(client: FlaskClient, year: Year) -> None:
    as_coordinator(client, year)
    text = HEADER + "S0;2026/27-1;420;35;12,5;8;6\nS1;2026/27-1;300;22;9;2;1\n"
    status, page = _upload(client, year, text)
    assert status == 200 and "2 new and 0 existing rows" in page
    assert db.session.scalars(select(OutcomeFigures)).all() == []  # a preview saves nothing
    payload = re.search(r'name="payload" value="([^"]+)"', page)
    assert payload
    done = client.post(
        f"/service/outcomes/import/confirm?programme={year.org.programme.id}",
        data={"payload": payload.group(1)},
    )
    assert done.status_code == 303
    rows = db.session.scalars(select(OutcomeFigures).order_by(OutcomeFigures.enrolled)).all()
    assert [(r.enrolled, r.at_risk, r.avg_unjustified_absence) for r in rows] == [
        (300, 22, 9.0),
        (420, 35, 12.5),
    ]
    status, page = _upload(client, year, text)
    assert "0 new and 2 existing rows" in page


def test_unknown_schools_and_terms_are_named(client: FlaskClient, year: Year) -> None:
    as_coordinator(client, year)
    status, page = _upload(client, year, HEADER + "NOPE;2026/27-3;1;0;0;0;0\n")
    assert status == 422
    assert "school_code" in page and "<td>term</td>" in page


def test_the_dashboard_never_shows_a_student_count_below_five(
    client: FlaskClient, year: Year
) -> None:
    as_coordinator(client, year)
    school = year.school
    for term, at_risk, left in (("2026/27-1", 12, 3), ("2026/27-2", 9, 2)):
        response = client.post(
            f"/service/outcomes/entry?school={school.id}&term={term}",
            data={
                "enrolled": "400",
                "at_risk": str(at_risk),
                "avg_unjustified_absence": "11.5",
                "grade_repetitions": "4",
                "left_school": str(left),
            },
        )
        assert response.status_code == 303
    page = client.get(
        f"/service/outcomes?programme={year.org.programme.id}&year=2026/27&school={school.id}"
    ).get_data(as_text=True)
    row = page[page.index('id="schools"') :]
    row = row[: row.index("</tr>", row.index("<tbody>"))]
    cells = re.findall(r"<td>([^<]*)</td>", row)
    # at risk 12 → 9 (−3) shown; repetitions 4 and 4, left 3 and 2: suppressed
    assert cells[6:9] == ["12", "9", "-3"]
    assert cells[11:] == ["&lt; 5", "&lt; 5", "&lt; 5", "&lt; 5"]


def test_entry_refuses_impossible_figures(client: FlaskClient, year: Year) -> None:
    as_coordinator(client, year)
    response = client.post(
        f"/service/outcomes/entry?school={year.school.id}&term=2026/27-1",
        data={
            "enrolled": "10",
            "at_risk": "11",
            "avg_unjustified_absence": "1",
            "grade_repetitions": "0",
            "left_school": "0",
        },
    )
    assert response.status_code == 422
    assert db.session.scalars(select(OutcomeFigures)).all() == []


def test_mentors_do_not_reach_the_outcomes(client: FlaskClient, year: Year) -> None:
    as_mentor(client, year)
    assert client.get("/service/outcomes").status_code == 403


def test_the_figures_take_the_same_queries_for_two_schools_or_forty(year: Year) -> None:
    from sqlalchemy import event

    from lms_plugin.coordination.models import School
    from lms_plugin.service.outcomes.figures import year_figures

    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def queries() -> int:
        db.session.refresh(year.org.programme)
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            year_figures(year.org.programme, "2026/27")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries()
    db.session.add_all(
        School(
            programme_id=year.org.programme.id,
            centre_id=year.org.centre.id,
            code=f"X{n}",
            name=f"School {n}",
        )
        for n in range(38)
    )
    db.session.commit()
    assert queries() == few == 8
