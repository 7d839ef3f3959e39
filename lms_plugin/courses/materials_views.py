"""The course's Materials page, material downloads (DOCX, ODT, PDF) and the glossary page.

A material that belongs to a module follows that module's availability (a trainee sees it when
the module opens, as its lessons); course-wide materials are open once enrolled. Trainer-only
materials (the trainer's guide) are not listed for, nor served to, trainees.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import CurrentLaunch, require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.courses import services
from lms_plugin.courses.availability import (
    Availability,
    is_checked,
    module_availability,
    require_available,
)
from lms_plugin.courses.content import Course
from lms_plugin.courses.materials import FORMATS, Material, course_materials, render
from lms_plugin.courses.rendering import render_text
from lms_plugin.courses.views import _render, bp, content_language, current_course
from lms_plugin.db import db


@dataclass(frozen=True)
class Listed:
    """A material as the Materials page shows it: every language, and whether it is open."""

    id: str
    shown: Material  # in the page's language (else the course default)
    by_lang: dict[str, Material]
    availability: Availability


def _audience(launch: CurrentLaunch) -> str:
    return "trainee" if launch.role == Role.TRAINEE else "trainer"


def _listed(launch: CurrentLaunch, course: Course) -> list[Listed]:
    materials = course_materials(course)
    lang = content_language(course)
    states = module_availability(launch.user.id, course) if is_checked(launch) else {}
    audience = _audience(launch)
    result: list[Listed] = []
    for material_id in materials.ids():
        by_lang = materials.items[material_id]
        shown = by_lang.get(lang) or by_lang.get(course.default_language)
        if shown is None or audience not in shown.audience:
            continue
        state = states.get(shown.module_id or "", Availability(True))
        result.append(Listed(material_id, shown, by_lang, state))
    return result


@bp.get("/materials")
@roles_required(Role.TRAINEE, Role.TRAINER, Role.COORDINATOR)
def materials() -> str:
    """Every material for this person, with its formats and languages."""
    launch = require_launch()
    course = current_course()
    services.ensure_enrolment(launch.user.id, course, launch.context_pk)
    db.session.commit()
    return _render(
        "courses/materials.html",
        course,
        listed=_listed(launch, course),
        formats=tuple(FORMATS),
        languages=course.languages,
    )


def _material(launch: CurrentLaunch, course: Course, material_id: str, lang: str) -> Material:
    """The material, or 404 (unknown, other audience) / 403 (its module is closed)."""
    material = course_materials(course).get(material_id, lang)
    if material is None or _audience(launch) not in material.audience:
        abort(404)
    if material.module_id:
        module = course.module(material.module_id)
        if module is None:
            abort(404)
        require_available(launch, course, module)
    return material


@bp.get("/materials/<material_id>/<lang>/<fmt>")
@roles_required(Role.TRAINEE, Role.TRAINER, Role.COORDINATOR)
def material_download(material_id: str, lang: str, fmt: str) -> WerkzeugResponse:
    """One material as DOCX, ODT or PDF, with a safe file name and an ETag."""
    if fmt not in FORMATS:
        abort(404)
    launch = require_launch()
    course = current_course()
    material = _material(launch, course, material_id, lang)
    data = render(material, fmt)
    response = WerkzeugResponse(data, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{material.filename(fmt)}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(material.etag(fmt))
    return response.make_conditional(request)


@bp.get("/glossary")
@roles_required(Role.TRAINEE, Role.TRAINER, Role.COORDINATOR)
def glossary() -> str:
    """The course glossary (the material marked `page: true`) as a page."""
    launch = require_launch()
    course = current_course()
    materials = course_materials(course)
    lang = content_language(course)
    page = next(
        (
            m
            for material_id in materials.ids()
            if (
                m := materials.get(material_id, lang)
                or materials.get(material_id, course.default_language)
            )
            and m.is_page
        ),
        None,
    )
    if page is None or _audience(launch) not in page.audience:
        abort(404)
    return _render(
        "courses/glossary.html",
        course,
        page=page,
        body=render_text(page.body),
        formats=tuple(FORMATS),
    )


@bp.app_template_global()
def module_materials(course: Course, module_id: str) -> list[Material]:
    """The materials of one module for the module page (trainer-only ones only for trainers)."""
    launch = require_launch()
    materials = course_materials(course)
    lang = content_language(course)
    audience = _audience(launch)
    found = []
    for material_id in materials.ids():
        material = materials.get(material_id, lang) or materials.get(
            material_id, course.default_language
        )
        if material and material.module_id == module_id and audience in material.audience:
            found.append(material)
    return found
