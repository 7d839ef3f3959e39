"""CSV import of centres and schools: preview, row-level errors, all or nothing; export."""

from __future__ import annotations

import base64
import io

from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import School, TrainingCentre
from lms_plugin.coordination.organisation import csv_import as csv_org
from lms_plugin.db import db
from tests.conftest import login
from tests.coordination.conftest import Org

HEADER = ";".join(csv_org.COLUMNS)
ROWS = [
    (
        "SZSZC",
        "Szegedi Szakképzési Centrum",
        "SZ-01",
        "Vasvári Pál Gazdasági és Informatikai Technikum",
        "Szeged",
        "informatika|gazdálkodás",
        "12",
    ),
    (
        "SZSZC",
        "Szegedi Szakképzési Centrum",
        "SZ-02",
        "Gábor Dénes Technikum",
        "Szeged",
        "elektronika",
        "8",
    ),
    (
        "GYSZC",
        "Győri Szakképzési Centrum",
        "GY-01",
        "Jedlik Ányos Gépipari és Informatikai Technikum",
        "Győr",
        "gépészet, informatika",
        "",
    ),
]
GOOD = "".join(";".join(r) + "\r\n" for r in [tuple(HEADER.split(";")), *ROWS])


def _upload(client: FlaskClient, org: Org, content: bytes) -> tuple[int, str]:
    response = client.post(
        f"/coordination/schools/import?programme={org.programme.id}",
        data={"file": (io.BytesIO(content), "iskolak.csv")},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def test_preview_then_import_with_bom_semicolons_and_accents(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    content = b"\xef\xbb\xbf" + GOOD.encode("utf-8")
    status, page = _upload(client, org, content)
    assert status == 200
    assert "2 new and 0 existing centres, 3 new and 0 existing schools" in page
    assert "Jedlik Ányos Gépipari és Informatikai Technikum" in page
    assert (
        db.session.query(School).filter(School.code.like("SZ-%")).count() == 0
    )  # preview saves nothing

    response = client.post(
        "/coordination/schools/import/confirm",
        data={"programme": org.programme.id, "payload": base64.b64encode(content).decode()},
    )
    assert response.status_code == 302
    school = db.session.query(School).filter_by(code="GY-01").one()
    assert school.name == "Jedlik Ányos Gépipari és Informatikai Technikum"
    assert school.fields == ["gépészet", "informatika"]
    assert school.centre.name == "Győri Szakképzési Centrum"
    assert db.session.query(School).filter_by(code="SZ-01").one().target_helpers == 12


def test_errors_are_listed_per_row_and_column_and_nothing_is_imported(
    org: Org, client: FlaskClient
) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    bad = (
        GOOD
        + "SZSZC;Szegedi SZC (other name);SZ-03;Déri Miksa Technikum;Szeged;;5\r\n"
        + "GYSZC;Győri Szakképzési Centrum;GY-02;;Győr;;sok\r\n"
        + "GYSZC;Győri Szakképzési Centrum;SZ-01;Kossuth Lajos Technikum;Szeged;;1\r\n"
    ).encode()
    status, page = _upload(client, org, bad)
    assert status == 422
    assert "Nothing was imported" in page
    parsed = csv_org.parse(bad)
    assert [(e.row, e.column) for e in parsed.errors] == [
        (5, "centre_name"),
        (6, "school_name"),
        (6, "target_helpers"),
        (7, "school_code"),
    ]
    assert "<td>6</td><td>target_helpers</td>" in page
    assert db.session.query(TrainingCentre).filter(TrainingCentre.code != "BVSZC").count() == 0

    # A confirm with a tampered file is refused as a whole as well.
    response = client.post(
        "/coordination/schools/import/confirm",
        data={"programme": org.programme.id, "payload": base64.b64encode(bad).decode()},
    )
    assert response.status_code == 422
    assert db.session.query(School).count() == 2


def test_missing_columns_are_reported(org: Org, client: FlaskClient) -> None:
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    status, page = _upload(client, org, b"name,town\nX,Y\n")
    assert status == 422
    assert "centre_code" in page and "This column is missing" in page


def test_excel_windows_1250_files_are_read(org: Org) -> None:
    parsed = csv_org.parse(GOOD.encode("cp1250"))
    assert not parsed.errors
    assert parsed.encoding == "windows-1250"
    assert parsed.rows[2].school_name == "Jedlik Ányos Gépipari és Informatikai Technikum"


def test_export_round_trips(org: Org, client: FlaskClient) -> None:
    # The import's column names in either language; the separator is the reader's Excel's.
    for lang, separator in (("hu", ";"), ("en", ",")):
        login(client, org.coordinator, Role.COORDINATOR, org.context, lang=lang)
        response = client.get(f"/coordination/schools/export.csv?programme={org.programme.id}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        body = response.data
        assert body.startswith(b"\xef\xbb\xbf")
        text = body.decode("utf-8-sig")
        assert "Zipernowsky Károly Technikum" in text
        assert text.splitlines()[0] == separator.join(csv_org.COLUMNS)
        parsed = csv_org.parse(body)
        assert not parsed.errors
        assert {r.school_code for r in parsed.rows} == {"S0", "S1"}
