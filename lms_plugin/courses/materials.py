"""Downloadable materials of a course: read from `<course>/materials/<id>.<lang>.md`, made into
DOCX, ODT and PDF on request and kept on disk by content hash.

Why on request and not at build: the course folder is data a trainer edits and deploys without a
build step; a file is generated the first time someone asks for it (about 0.1 s) and served from
the cache until its source changes (the hash covers the source and the generator version).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app

from lms_plugin.courses.content import Course
from lms_plugin.courses.materials_blocks import Block, parse_blocks
from lms_plugin.courses.source import Problem

FORMATS: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
}
AUDIENCES = ("trainee", "trainer")
FRONT_MATTER_KEYS = {"title", "description", "module", "order", "audience", "page"}
GENERATOR_VERSION = "1"  # raise when a writer changes its output, so cached files are remade
_FILE = re.compile(r"^([a-z0-9][a-z0-9-]*)\.([a-z]{2})\.md$")
_lock = threading.Lock()


@dataclass(frozen=True)
class Material:
    """One material in one language, parsed from its Markdown source."""

    id: str
    lang: str
    title: str
    description: str
    module_id: str | None  # None: the material belongs to the course as a whole
    order: int
    audience: tuple[str, ...]  # who sees it: trainee, trainer
    is_page: bool  # also shown as a page of the course (the glossary)
    body: str
    source_hash: str

    @property
    def blocks(self) -> list[Block]:
        return parse_blocks(self.body)

    def filename(self, fmt: str) -> str:
        """A safe download name: the id is [a-z0-9-] by construction."""
        return f"{self.id}-{self.lang}.{fmt}"

    def etag(self, fmt: str) -> str:
        return f"{self.source_hash[:32]}-{fmt}"


@dataclass
class MaterialSet:
    """Every material of a course, by id and language, plus what is wrong with the sources."""

    items: dict[str, dict[str, Material]]
    problems: list[Problem]  # file relative to the courses folder, as `courses check` reports

    def ids(self) -> list[str]:
        return sorted(self.items, key=lambda i: (next(iter(self.items[i].values())).order, i))

    def get(self, material_id: str, lang: str) -> Material | None:
        return self.items.get(material_id, {}).get(lang)


def materials_dir(course: Course) -> Path:
    return Path(course.folder) / "materials"


def _split_front_matter(text: str) -> tuple[dict[str, object], str] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        return None
    data = yaml.safe_load(text[4:end])
    if not isinstance(data, dict):
        return None
    return data, text[end + 5 :]


def _read_one(
    path: Path, material_id: str, lang: str, report: Callable[[str, str], None]
) -> Material | None:
    raw = path.read_bytes()
    try:
        parsed = _split_front_matter(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        parsed = None
    if parsed is None:
        report(path.name, "needs UTF-8 text starting with --- front matter ---")
        return None
    meta, body = parsed
    unknown = set(meta) - FRONT_MATTER_KEYS
    if unknown:
        report(path.name, f"unknown front matter key(s): {', '.join(sorted(unknown))}")
    title, description = meta.get("title"), meta.get("description", "")
    if not isinstance(title, str) or not title.strip() or not isinstance(description, str):
        report(path.name, "title (and description) must be text")
        return None
    module = meta.get("module")
    audience = meta.get("audience", list(AUDIENCES))
    if isinstance(audience, str):
        audience = [audience]
    if not isinstance(audience, list) or not set(audience) <= set(AUDIENCES) or not audience:
        report(path.name, "audience is trainee and/or trainer")
        audience = list(AUDIENCES)
    order = meta.get("order", 100)
    digest = hashlib.sha256(GENERATOR_VERSION.encode() + b"\0" + raw).hexdigest()
    return Material(
        id=material_id,
        lang=lang,
        title=title.strip(),
        description=description.strip(),
        module_id=str(module) if module else None,
        order=order if isinstance(order, int) else 100,
        audience=tuple(str(a) for a in audience),
        is_page=bool(meta.get("page", False)),
        body=body,
        source_hash=digest,
    )


def read_materials(course: Course) -> MaterialSet:
    """Every material source of the course, checked against the course (languages, modules)."""
    folder = materials_dir(course)
    items: dict[str, dict[str, Material]] = {}
    problems: list[Problem] = []

    def report(name: str, message: str) -> None:
        problems.append(Problem(f"{Path(course.folder).name}/materials/{name}", 0, message))

    if not folder.is_dir():
        return MaterialSet(items, problems)
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        match = _FILE.match(path.name)
        if match is None or not path.is_file():
            report(path.name, "a material is named <id>.<lang>.md")
            continue
        material_id, lang = match.groups()
        if lang not in course.languages:
            report(path.name, f"{lang!r} is not a language of the course")
            continue
        material = _read_one(path, material_id, lang, report)
        if material is None:
            continue
        if material.module_id and course.module(material.module_id) is None:
            report(path.name, f"module {material.module_id!r} is not in the course")
        items.setdefault(material_id, {})[lang] = material
    for material_id, by_lang in items.items():
        missing = [lang for lang in course.languages if lang not in by_lang]
        if missing:
            report(f"{material_id}.*.md", f"no file for {', '.join(missing)}")
        if len({m.module_id for m in by_lang.values()}) > 1:
            report(f"{material_id}.*.md", "the languages name different modules")
    return MaterialSet(items, problems)


_cache: dict[tuple[str, str], MaterialSet] = {}


def course_materials(course: Course) -> MaterialSet:
    """The course's materials, read once per content version of the course."""
    key = (course.id, course.content_hash)
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = read_materials(course)
        with _lock:
            _cache.clear()
            _cache[key] = found
    return found


def _writer(fmt: str) -> Callable[[Material], bytes]:
    if fmt == "docx":
        from lms_plugin.courses.materials_docx import to_docx

        return to_docx
    if fmt == "odt":
        from lms_plugin.courses.materials_odt import to_odt

        return to_odt
    from lms_plugin.courses.materials_pdf import to_pdf

    return to_pdf


def cache_dir() -> Path:
    configured = current_app.config.get("MATERIALS_CACHE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "materials-cache"


def render(material: Material, fmt: str, folder: Path | None = None) -> bytes:
    """The material as `fmt` (docx, odt, pdf); made once per source hash, then read from disk."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    folder = folder if folder is not None else cache_dir()
    path = folder / f"{material.source_hash}.{fmt}"
    if path.is_file():
        return path.read_bytes()
    data = _writer(fmt)(material)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{fmt}.{os.getpid()}-{threading.get_ident()}.part")
    partial.write_bytes(data)
    partial.replace(path)  # atomic: a concurrent reader never sees half a file
    return data


def material_problems(course: Course) -> list[Problem]:
    """What `courses check` reports about the course's materials folder."""
    return read_materials(course).problems
