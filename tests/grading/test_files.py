"""Uploads: type checked by content, limits, filenames neutralised, safe downloads."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.grading.files import check_upload, sanitise_filename, sniff
from lms_plugin.grading.models import SubmissionFile
from tests.grading.conftest import (
    ASSIGNMENT,
    Cohort,
    as_user,
    fake_exe,
    tiny_docx,
    tiny_odt,
    tiny_pdf,
    tiny_png,
)

ALLOWED = ("pdf", "docx", "odt", "jpg", "png")


def _upload(client: FlaskClient, *files: tuple[bytes, str], text: str = "Vázlat") -> str:
    data = {"text": text, "action": "save", "files": [(io.BytesIO(b), name) for b, name in files]}
    response = client.post(
        f"/grading/assignments/{ASSIGNMENT}/draft",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _stored(cohort: Cohort) -> list[SubmissionFile]:
    db.session.expire_all()
    return list(db.session.scalars(select(SubmissionFile).order_by(SubmissionFile.id)))


def test_real_pdf_docx_odt_and_png_are_accepted_by_content(
    client: FlaskClient, cohort: Cohort, uploads: str
) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = _upload(
        client,
        (tiny_pdf(), "elemzes.pdf"),
        (tiny_docx(), "Esetelemzés.docx"),
        (tiny_odt(), "abra.odt"),
    )
    assert "Your draft and files are saved." in page
    rows = _stored(cohort)
    assert [(r.original_name, r.kind) for r in rows] == [
        ("elemzes.pdf", "pdf"),
        ("Esetelemzés.docx", "docx"),
        ("abra.odt", "odt"),
    ]
    for row in rows:  # stored under random names, not the user's
        assert row.stored_name != row.original_name and len(row.stored_name) == 32
        assert (Path(uploads) / "submissions" / row.stored_name).read_bytes()[:2] in (b"%P", b"PK")
    assert sniff(tiny_png()) == "png"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (fake_exe(), "elemzes.pdf"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "elemzes.pdf"),
        (tiny_pdf(), "elemzes.docx"),  # a PDF is not a Word document
        (b"PK\x03\x04" + b"\x00" * 40, "elemzes.docx"),  # a broken zip
        (tiny_odt(), "elemzes.docx"),
    ],
)
def test_spoofed_files_are_refused_with_a_clear_message(
    client: FlaskClient, cohort: Cohort, content: bytes, name: str
) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = _upload(client, (content, name))
    assert "is not really a" in page and name in page
    assert _stored(cohort) == []


def test_type_not_allowed_by_the_assignment_is_refused(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = _upload(client, (b"plain text answer", "valasz.txt"), (fake_exe(), "setup.exe"))
    assert page.count("are not accepted here") == 2
    assert _stored(cohort) == []


def test_oversize_file_is_refused_and_the_text_is_kept(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    big = tiny_pdf() + b"0" * (10 * 1024 * 1024)
    page = _upload(client, (big, "nagy.pdf"), text="Megtartandó szöveg")
    assert "is larger than 10 MB" in page
    assert _stored(cohort) == []
    assert "Megtartandó szöveg" in page  # the draft text was saved even though the file was refused


def test_too_many_files_are_refused(client: FlaskClient, cohort: Cohort) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    page = _upload(client, *[(tiny_pdf(), f"resz{i}.pdf") for i in range(4)])
    assert "You can upload at most 3 files" in page
    assert len(_stored(cohort)) == 3  # the first three are kept


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/etc/absolute.pdf", "absolute.pdf"),
        ("C:\\Users\\anna\\Esszé.pdf", "Esszé.pdf"),
        ("na\x00me.pdf", "name.pdf"),
        ("..pdf", "pdf"),
        ("", "file"),
        ('a<b>c:"d|e?f*.pdf', "abcdef.pdf"),
    ],
)
def test_filenames_are_neutralised(given: str, expected: str) -> None:
    assert sanitise_filename(given) == expected


def test_path_trick_upload_is_stored_under_a_random_name(
    client: FlaskClient, cohort: Cohort, uploads: str
) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    _upload(client, (tiny_pdf(), "../../../../tmp/pwned.pdf"))
    (row,) = _stored(cohort)
    assert row.original_name == "pwned.pdf"
    assert not os.path.exists("/tmp/pwned.pdf")
    assert (Path(uploads) / "submissions" / row.stored_name).is_file()


def test_check_upload_rejects_empty_files() -> None:
    with pytest.raises(DomainError, match="empty"):
        check_upload("a.pdf", b"", allowed=ALLOWED, max_mb=1)


def test_download_is_an_attachment_with_nosniff_and_the_right_type(
    client: FlaskClient, cohort: Cohort
) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    document = tiny_docx()
    _upload(client, (document, "Esetelemzés végleges.docx"))
    (row,) = _stored(cohort)
    response = client.get(f"/grading/files/{row.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Esetelem" in response.headers["Content-Disposition"]  # RFC 5987 filename*
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        response.mimetype
        == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.data == document


def test_removing_a_file_from_the_draft(client: FlaskClient, cohort: Cohort, uploads: str) -> None:
    as_user(client, cohort.anna, Role.TRAINEE, cohort.ctx)
    _upload(client, (tiny_pdf(), "a.pdf"), (tiny_png(), "b.png"))
    first, _second = _stored(cohort)
    response = client.post(
        f"/grading/assignments/{ASSIGNMENT}/draft",
        data={"text": "x", "remove": str(first.id)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert [r.original_name for r in _stored(cohort)] == ["b.png"]
    assert not (Path(uploads) / "submissions" / first.stored_name).exists()
