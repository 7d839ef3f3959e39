"""Grading fixtures: a course with trainers and trainees, another course, real tiny files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.db import db
from lms_plugin.grading import services
from lms_plugin.grading.models import Submission
from tests.accounts.scoping import grant_a_programme
from tests.availability_helpers import open_modules
from tests.conftest import Factory, login
from tests.practice_platform import practice_lms  # noqa: F401 - end-to-end tests

ASSIGNMENT = "ethics-case"  # text + files (pdf, docx, odt, jpg, png), 3 files, 10 MB, 3 attempts


@dataclass
class Cohort:
    """Course A (ctx) with two trainers and two trainees; course B (other) with its own people."""

    ctx: LmsContext
    other: LmsContext
    trainer: User
    co_trainer: User
    anna: User
    bela: User
    other_trainer: User
    outsider: User
    coordinator: User


@pytest.fixture
def cohort(make: Factory) -> Cohort:
    ctx = make.context()
    other = make.context()
    coordinator = make.user(None, Role.COORDINATOR, name="Koordinátor Kata", is_coordinator=True)
    grant_a_programme(coordinator)  # tenants: a coordinator reads only within a granted scope
    result = Cohort(
        ctx=ctx,
        other=other,
        trainer=make.user(ctx, Role.TRAINER, name="Nagy Éva"),
        co_trainer=make.user(ctx, Role.TRAINER, name="Kiss Ildikó"),
        anna=make.user(ctx, Role.TRAINEE, name="Kovács Anna"),
        bela=make.user(ctx, Role.TRAINEE, name="Szabó Béla"),
        other_trainer=make.user(other, Role.TRAINER, name="Tóth Gábor"),
        outsider=make.user(other, Role.TRAINEE, name="Varga Vera"),
        coordinator=coordinator,
    )
    for trainee in (result.anna, result.bela, result.outsider):
        open_modules(trainee.id)  # these tests are about what lies behind availability
    db.session.commit()
    return result


@pytest.fixture(autouse=True)
def _english(app_ctx: Flask) -> Iterator[None]:
    """Assertions read English messages (the Hungarian catalogue translates them for users)."""
    with force_locale("en"):
        yield


def as_user(client: FlaskClient, user: User, role: Role, ctx: LmsContext | None) -> FlaskClient:
    """Log the client in as this user with this launch role and context, in English."""
    login(client, user, role, ctx)
    with client.session_transaction() as sess:
        sess["launch_locale"] = "en"
    return client


def submitted(
    user: User, ctx: LmsContext, text: str = "Az esetelemzésem.", aid: str = ASSIGNMENT
) -> Submission:
    """A submitted attempt made through the services (committed)."""
    located = services.find_assignment(aid)
    draft = services.open_draft(user, ctx.id, located)
    services.save_text(draft, located, text)
    services.submit(draft, located, ctx.id)
    db.session.commit()
    return draft


def add_membership(user: User, ctx: LmsContext, role: Role) -> None:
    db.session.add(
        Membership(context_pk=ctx.id, user_id=user.id, role=role.value, has_launched=True)
    )
    db.session.commit()


# --- real tiny files, made here ------------------------------------------------------------------


def tiny_pdf() -> bytes:
    """A minimal valid one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def tiny_docx(text: str = "Esetelemzés") -> bytes:
    """A minimal Word document (the parts Word itself needs)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def tiny_odt() -> bytes:
    """A minimal OpenDocument text: `mimetype` stored first, uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def tiny_png() -> bytes:
    """A 1×1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def fake_exe() -> bytes:
    """The start of a Windows PE executable."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 48
        + b"PE\x00\x00"
        + b"\x00" * 64
    )


@pytest.fixture
def uploads(app: Flask) -> str:
    return str(app.config["UPLOAD_DIR"])
