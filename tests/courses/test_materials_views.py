"""The Materials page and downloads: headers, ETag, availability, audience, hostile names."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role, User
from lms_plugin.courses.content import Course, get_course
from tests.conftest import Factory, login
from tests.courses.fixture_courses import good_courses

SOURCES = {
    "basics-form": ("module: basics", "Alapűrlap ő", "Basics form"),
    "practice-sheet": ("module: practice", "Gyakorlólap", "Practice sheet"),
    "guide": ("audience: trainer", "Trénerútmutató", "Trainer guide"),
    "glossary": ("page: true", "Fogalomtár", "Glossary"),
}


@pytest.fixture
def course(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Course:
    """The tiny course with four materials (written before the course is loaded)."""
    folder = good_courses(tmp_path)
    materials = folder / "tiny" / "materials"
    materials.mkdir()
    for material_id, (meta, hu_title, en_title) in SOURCES.items():
        for lang, title in (("hu", hu_title), ("en", en_title)):
            (materials / f"{material_id}.{lang}.md").write_text(
                f"---\ntitle: {title}\ndescription: {title} leírás\n{meta}\n---\n\n"
                "## Rész\n\n- egy ő\n- kettő\n\n| Mező | Érték |\n|---|---|\n| név | ____ |\n",
                encoding="utf-8",
            )
    monkeypatch.setitem(app.config, "COURSES_DIR", str(folder))
    monkeypatch.setitem(app.config, "MATERIALS_CACHE_DIR", str(tmp_path / "cache"))
    with app.app_context():
        return get_course("tiny")


def _as(client: FlaskClient, make: Factory, role: Role, lang: str = "en") -> User:
    context = make.context()
    user = make.user(context, role)
    login(client, user, role, context, lang=lang)
    return user


def test_a_trainee_downloads_an_open_material_with_safe_headers(
    client: FlaskClient, make: Factory, course: Course
) -> None:
    _as(client, make, Role.TRAINEE)
    response = client.get("/course/materials/basics-form/hu/docx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"] == 'attachment; filename="basics-form-hu.docx"'
    document = docx.Document(io.BytesIO(response.data))
    assert "Alapűrlap ő" in [p.text for p in document.paragraphs]

    etag = response.headers["ETag"]
    again = client.get("/course/materials/basics-form/hu/docx", headers={"If-None-Match": etag})
    assert again.status_code == 304

    pdf = client.get("/course/materials/basics-form/en/pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["ETag"] != etag
    odt = client.get("/course/materials/basics-form/en/odt")
    assert odt.mimetype == "application/vnd.oasis.opendocument.text"
    assert odt.headers["Content-Disposition"].endswith('filename="basics-form-en.odt"')


def test_the_page_lists_open_materials_and_says_when_the_others_open(
    client: FlaskClient, make: Factory, course: Course
) -> None:
    _as(client, make, Role.TRAINEE)
    page = client.get("/course/materials")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/course/materials/basics-form/hu/pdf"' in html
    assert 'href="/course/materials/basics-form/en/odt"' in html
    assert "Practice sheet" in html and "Available when:" in html
    assert "/course/materials/practice-sheet/" not in html
    assert "Trainer guide" not in html  # trainers only
    assert 'href="/course/materials"' in html  # the course navigation links the page
    assert 'href="/course/glossary"' in html
    # A closed module's material is refused, with the page that says when it opens.
    assert client.get("/course/materials/practice-sheet/en/pdf").status_code == 403
    assert client.get("/course/materials/guide/en/pdf").status_code == 404


def test_the_module_page_links_its_materials(
    client: FlaskClient, make: Factory, course: Course
) -> None:
    _as(client, make, Role.TRAINEE)
    html = client.get("/course/basics/").get_data(as_text=True)
    assert 'href="/course/materials#material-basics-form"' in html and "Basics form" in html
    assert "Glossary" not in html  # course-wide, not the module's


def test_the_page_speaks_hungarian(client: FlaskClient, make: Factory, course: Course) -> None:
    _as(client, make, Role.TRAINEE, lang="hu")
    html = client.get("/course/materials").get_data(as_text=True)
    assert "Segédanyagok" in html and "Alapűrlap ő" in html and "Magyar változat" in html


def test_a_trainer_sees_every_material(client: FlaskClient, make: Factory, course: Course) -> None:
    _as(client, make, Role.TRAINER)
    html = client.get("/course/materials").get_data(as_text=True)
    assert "Trainer guide" in html and 'href="/course/materials/practice-sheet/hu/docx"' in html
    assert client.get("/course/materials/guide/hu/pdf").status_code == 200
    assert client.get("/course/materials/practice-sheet/en/odt").status_code == 200


def test_the_glossary_is_a_page(client: FlaskClient, make: Factory, course: Course) -> None:
    _as(client, make, Role.TRAINEE, lang="hu")
    page = client.get("/course/glossary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Fogalomtár" in html and "<table>" in html and "<td>név</td>" in html


@pytest.mark.parametrize(
    "path",
    [
        "/course/materials/nope/hu/pdf",
        "/course/materials/basics-form/de/pdf",
        "/course/materials/basics-form/hu/exe",
        "/course/materials/basics-form/hu/PDF",
        "/course/materials/..%2F..%2Fcourse.yaml/hu/pdf",
        "/course/materials/basics-form.hu.md/hu/pdf",
        "/course/materials/%00/hu/pdf",
        "/course/materials/basics-form/hu/pdf%00",
        "/course/materials/basics-form/..%2Fhu/pdf",
    ],
)
def test_hostile_names_are_404(
    client: FlaskClient, make: Factory, course: Course, path: str
) -> None:
    _as(client, make, Role.TRAINER)
    assert client.get(path).status_code in (400, 404)


def test_no_launch_no_materials(client: FlaskClient, course: Course) -> None:
    assert client.get("/course/materials").status_code in (401, 403, 302)
    assert client.get("/course/materials/basics-form/hu/pdf").status_code in (401, 403, 302)
