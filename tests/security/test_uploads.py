"""Upload abuse: wrong content behind a right extension, oversize bodies, path tricks in names."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.db import db
from tests.availability_helpers import open_modules
from tests.conftest import login
from tests.security.world import PDF, World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def carl(app: Flask, world: World) -> tuple[FlaskClient, int]:
    """A trainee of course A with no submission yet, and his browser."""
    user = User(platform_id=world.ids["platform"], sub="carl", name="Carl")
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Membership(
            context_pk=world.contexts["a"].id, user_id=user.id, role="trainee", has_launched=True
        )
    )
    open_modules(user.id)  # these tests are about uploads, behind the availability rule
    db.session.commit()
    client = app.test_client()
    login(client, user, Role.TRAINEE, world.contexts["a"])
    return client, user.id


def _upload(client: FlaskClient, assignment: str, name: str, data: bytes) -> int:
    response = client.post(
        f"/grading/assignments/{assignment}/draft",
        data={"text": "draft", "files": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        base_url="https://tool.test",
    )
    return response.status_code


def _files(user_id: int) -> list[tuple[str, str]]:
    from lms_plugin.grading.models import Submission, SubmissionFile

    db.session.expire_all()
    rows = db.session.execute(
        select(SubmissionFile.original_name, SubmissionFile.stored_name)
        .join(Submission)
        .where(Submission.user_id == user_id)
    ).all()
    return [(r[0], r[1]) for r in rows]


def _stored(app: Flask) -> set[str]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in root.rglob("*") if p.is_file()}


def _docx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<" + "A" * (20 * 1024 * 1024) + ">")
    return out.getvalue()


def test_content_must_match_the_extension(
    app: Flask, world: World, carl: tuple[FlaskClient, int]
) -> None:
    client, user_id = carl
    before = _stored(app)
    fakes = {
        "plan.pdf": b"MZ\x90\x00\x03" + b"\x00" * 200,  # a Windows program named .pdf
        "photo.png": b"<html><script>alert(1)</script></html>",  # HTML named .png
        "essay.docx": _docx_bomb(),  # a zip whose manifest inflates to 20 MB
        "notes.odt": PDF,  # a real PDF named .odt
        "run.exe": PDF,  # a type the assignment does not take
    }
    for name, data in fakes.items():
        status = _upload(client, world.ids["assignment_id"], name, data)
        assert status in (302, 303, 400, 413, 422), (name, status)
    assert _files(user_id) == []
    assert _stored(app) == before, "nothing refused is left on disk"


def test_oversize_uploads_are_refused_with_a_page(
    app: Flask, world: World, carl: tuple[FlaskClient, int]
) -> None:
    client, user_id = carl
    huge = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/grading/assignments/{world.ids['assignment_id']}/draft",
        data={"files": (io.BytesIO(huge), "big.pdf")},
        content_type="multipart/form-data",
        base_url="https://tool.test",
    )
    assert response.status_code == 413 and response.mimetype == "text/html"
    over_assignment_limit = PDF + b"0" * (11 * 1024 * 1024)  # the assignment allows 10 MB per file
    assert _upload(client, world.ids["assignment_id"], "big.pdf", over_assignment_limit) < 500
    assert _files(user_id) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/passwd.pdf",
        "..\\..\\windows\\evil.pdf",
        "/abs/root.pdf",
        "nul\x00byte.pdf",
        "evil\u202efdp.pdf",
        ".htaccess.pdf",
        "a" * 400 + ".pdf",
    ],
)
def test_path_tricks_in_names_stay_inside_the_upload_folder(
    app: Flask, world: World, carl: tuple[FlaskClient, int], name: str
) -> None:
    client, user_id = carl
    status = _upload(client, world.ids["assignment_id"], name, PDF)
    if "\x00" in name:  # the input layer refuses NUL bytes outright: nothing is stored
        assert status == 400 and _files(user_id) == []
        return
    assert status in (302, 303)
    [(original, stored)] = _files(user_id)
    assert re.fullmatch(r"[0-9a-f]{32}", stored)
    assert "/" not in original and "\\" not in original and "\x00" not in original
    assert not original.startswith(".") and ".." not in original and len(original) <= 255
    assert "\u202e" not in original
    uploads = Path(app.config["UPLOAD_DIR"]).resolve()
    assert (uploads / "submissions" / stored).is_file()
    for outside in (
        uploads.parent / "passwd.pdf",
        Path("/etc/passwd.pdf"),
        uploads.parent / "evil.pdf",
    ):
        assert not outside.exists()
    from lms_plugin.grading.models import SubmissionFile

    file_id = db.session.scalar(
        select(SubmissionFile.id).where(SubmissionFile.stored_name == stored)
    )
    download = client.get(f"/grading/files/{file_id}", base_url="https://tool.test")
    assert download.status_code == 200 and download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert "/" not in disposition and "\\" not in disposition and "\n" not in disposition
