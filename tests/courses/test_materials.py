"""The mentor course's downloadable materials: every one in both languages, every format opens."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import docx
import pypdf
import pytest
from flask import Flask
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odt

from lms_plugin.courses.content import Course, get_course
from lms_plugin.courses.materials import FORMATS, Material, read_materials, render
from lms_plugin.courses.materials_blocks import Heading, ListBlock, Table, parse_blocks

EXPECTED = {
    "consent-form",
    "helper-agreement",
    "referral-note",
    "monthly-summary",
    "session-plans",
    "case-cards",
    "trainer-guide",
    "glossary",
}
FORMS = ("consent-form", "helper-agreement", "referral-note", "monthly-summary")
HUNGARIAN_LETTERS = re.compile(r"\w*[őűŐŰ]\w*")


@pytest.fixture(scope="module")
def mentor(app: Flask) -> Course:
    with app.app_context():
        return get_course("mentor-30h")


@pytest.fixture(scope="module")
def materials(mentor: Course) -> dict[str, dict[str, Material]]:
    found = read_materials(mentor)
    assert found.problems == []
    return found.items


def test_every_material_exists_in_both_languages(
    mentor: Course, materials: dict[str, dict[str, Material]]
) -> None:
    assert set(materials) == EXPECTED
    for material_id, by_lang in materials.items():
        assert set(by_lang) == set(mentor.languages), material_id
        module_ids = {m.module_id for m in by_lang.values()}
        assert len(module_ids) == 1, material_id
        module_id = module_ids.pop()
        assert module_id is None or mentor.module(module_id) is not None


def _shape(material: Material) -> list[tuple[object, ...]]:
    shape: list[tuple[object, ...]] = []
    for block in parse_blocks(material.body):
        if isinstance(block, Heading):
            shape.append(("heading", block.level))
        elif isinstance(block, Table):
            shape.append(("table", len(block.header), len(block.rows)))
        elif isinstance(block, ListBlock):
            shape.append(("list", block.ordered, len(block.items)))
        else:
            shape.append(("paragraph",))
    return shape


def test_hungarian_and_english_have_the_same_structure(
    materials: dict[str, dict[str, Material]],
) -> None:
    for material_id, by_lang in materials.items():
        assert _shape(by_lang["hu"]) == _shape(by_lang["en"]), material_id


def test_forms_keep_blanks_and_the_safety_rules(
    materials: dict[str, dict[str, Material]],
) -> None:
    for material_id in FORMS:
        for material in materials[material_id].values():
            assert "________" in material.body, material_id
    for lang in ("hu", "en"):
        consent = materials["consent-form"][lang].body
        assert "6. cikk (1) bekezdés" in consent or "Article 6(1)" in consent
        agreement = materials["helper-agreement"][lang].body
        assert "112" in agreement and "116 111" in agreement
    # The summary holds counts only: no field asks for a name.
    summary = materials["monthly-summary"]["en"].body
    assert not re.search(r"^\| *(Student|Name)", summary, re.MULTILINE)
    assert materials["trainer-guide"]["hu"].audience == ("trainer",)
    assert materials["glossary"]["hu"].is_page


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        ElementTree.fromstring(archive.read("content.xml"))  # well-formed XML
    document = load_odt(io.BytesIO(data))
    return "\n".join(
        teletype.extractText(element)
        for kind in (odf_text.H, odf_text.P)
        for element in document.getElementsByType(kind)
    )


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in font for font in fonts)
    return "\n".join(page.extract_text() for page in reader.pages)


READERS = {"docx": _docx_text, "odt": _odt_text, "pdf": _pdf_text}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_opens_with_its_title_and_hungarian_letters(
    fmt: str, materials: dict[str, dict[str, Material]], tmp_path: Path
) -> None:
    for by_lang in materials.values():
        for lang, material in by_lang.items():
            text = _squash(READERS[fmt](render(material, fmt, tmp_path)))
            assert _squash(material.title) in text, (material.id, lang, fmt)
            if material.id in FORMS:
                assert "________" in text, (material.id, lang, fmt)  # the blanks to fill in
            if lang == "hu":
                assert HUNGARIAN_LETTERS.search(text), (material.id, fmt)


def test_hungarian_words_survive_every_format(
    materials: dict[str, dict[str, Material]], tmp_path: Path
) -> None:
    material = materials["referral-note"]["hu"]
    for fmt, read in READERS.items():
        text = _squash(read(render(material, fmt, tmp_path)))
        assert "Továbbirányítási feljegyzés" in text
        assert "gyermekjóléti szolgálatnak" in text and "őrzi" in text and "Sürgősség" in text


def test_tables_and_lists_stay_tables_and_lists(
    materials: dict[str, dict[str, Material]], tmp_path: Path
) -> None:
    material = materials["consent-form"]["hu"]
    document = docx.Document(io.BytesIO(render(material, "docx", tmp_path)))
    assert len(document.tables) == 1 and len(document.tables[0].rows) == 6
    assert any(p.style is not None and p.style.name == "List Bullet" for p in document.paragraphs)
    odt = load_odt(io.BytesIO(render(material, "odt", tmp_path)))
    from odf import table as odf_table

    assert len(odt.getElementsByType(odf_table.Table)) == 1
    assert len(odt.getElementsByType(odf_text.List)) >= 3
    assert len(odt.getElementsByType(odf_text.H)) == 1 + 5  # the title and five headings


def test_files_are_made_once_per_content_hash(
    materials: dict[str, dict[str, Material]], tmp_path: Path
) -> None:
    material = materials["monthly-summary"]["hu"]
    first = render(material, "pdf", tmp_path)
    cached = tmp_path / f"{material.source_hash}.pdf"
    assert cached.read_bytes() == first
    cached.write_bytes(b"%PDF-cached")
    assert render(material, "pdf", tmp_path) == b"%PDF-cached"
    with pytest.raises(ValueError):
        render(material, "exe", tmp_path)


def test_problems_are_reported_for_bad_sources(mentor: Course, tmp_path: Path) -> None:
    folder = tmp_path / "course"
    (folder / "materials").mkdir(parents=True)
    (folder / "materials" / "only-hu.hu.md").write_text(
        "---\ntitle: Csak magyarul\nmodule: nope\n---\n\nSzöveg\n", encoding="utf-8"
    )
    (folder / "materials" / "Bad Name.md").write_text("x", encoding="utf-8")
    (folder / "materials" / "no-front.en.md").write_text("# no front matter", encoding="utf-8")
    fake = dataclasses.replace(mentor, folder=str(folder))
    problems = " | ".join(str(p) for p in read_materials(fake).problems)
    assert "course/materials/only-hu.*.md: no file for en" in problems
    assert "module 'nope' is not in the course" in problems
    assert "Bad Name.md" in problems and "no-front.en.md" in problems


def test_the_course_check_reports_material_problems(tmp_path: Path) -> None:
    from lms_plugin.courses.validator import check_courses
    from tests.courses.fixture_courses import good_courses

    folder = good_courses(tmp_path)
    (folder / "tiny" / "materials").mkdir()
    (folder / "tiny" / "materials" / "form.hu.md").write_text(
        "---\ntitle: Űrlap\nmodule: basics\n---\n\n## Rész\n", encoding="utf-8"
    )
    report = check_courses(folder)
    assert [str(p) for p in report.problems] == ["tiny/materials/form.*.md: no file for en"]
    (folder / "tiny" / "materials" / "form.en.md").write_text(
        "---\ntitle: Form\nmodule: basics\n---\n\n## Part\n", encoding="utf-8"
    )
    assert check_courses(folder).problems == []
