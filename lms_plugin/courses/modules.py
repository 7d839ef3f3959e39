"""Reading a course's modules/ folder: module.yaml, lessons, quiz.yaml and assignment.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lms_plugin.courses.content import Module
from lms_plugin.courses.credit_format import check_credit, read_credit
from lms_plugin.courses.journal_format import read_journal
from lms_plugin.courses.lessons import read_lessons
from lms_plugin.courses.live_format import read_live_sessions
from lms_plugin.courses.reader_items import read_assignment, read_quiz
from lms_plugin.courses.source import FileCheck, LineDict, Problem, line_of, relative

if TYPE_CHECKING:
    from lms_plugin.courses.reader import ReadContext

MODULE_DIR_RE = re.compile(r"^(\d{2})-[a-z0-9][a-z0-9-]*$")
MODULE_KEYS = {
    "id",
    "kind",
    "hours",
    "face_to_face_hours",
    "min_active_minutes",
    "credit",
    "title",
    "objectives",
    "live_sessions",
}
MODULE_FILES = {"module.yaml", "quiz.yaml", "assignment.yaml", "journal.yaml", "lessons", "images"}


def read_modules(ctx: ReadContext, folder: Path) -> tuple[Module, ...]:
    modules_dir = folder / "modules"
    if not modules_dir.is_dir():
        ctx.problems.append(
            Problem(relative(modules_dir, ctx.root), 0, "the modules/ folder is missing")
        )
        return ()
    modules: list[Module] = []
    for module_dir in sorted(p for p in modules_dir.iterdir() if not p.name.startswith(".")):
        match = MODULE_DIR_RE.match(module_dir.name)
        if not module_dir.is_dir() or not match:
            ctx.problems.append(
                Problem(
                    relative(module_dir, ctx.root),
                    0,
                    "module folders are named NN-name (e.g. 01-programme)",
                )
            )
            continue
        order = int(match.group(1))
        if any(m.order == order for m in modules):
            ctx.problems.append(
                Problem(
                    relative(module_dir, ctx.root),
                    0,
                    f"another module folder already starts with {match.group(1)}",
                )
            )
        module = _module(ctx, module_dir, order)
        if module is not None:
            modules.append(module)
    return tuple(modules)


def _module(ctx: ReadContext, module_dir: Path, order: int) -> Module | None:
    path = module_dir / "module.yaml"
    for extra in sorted(module_dir.iterdir()):
        if extra.name not in MODULE_FILES and not extra.name.startswith("."):
            ctx.problems.append(
                Problem(
                    relative(extra, ctx.root),
                    0,
                    "unexpected file: a module holds " + ", ".join(sorted(MODULE_FILES)),
                )
            )
    if not path.is_file():
        ctx.problems.append(Problem(relative(path, ctx.root), 0, "module.yaml is missing"))
        return None
    check = ctx.check(path)
    parsed = check.parse(path.read_text(encoding="utf-8"))
    data = check.mapping(parsed, "module.yaml") if parsed is not None else LineDict()
    if not data:
        read_lessons(ctx, module_dir, module_dir.name[3:])  # their ids still count for links
        return None
    check.keys(data, MODULE_KEYS, "module.yaml")
    module_id = check.ident(data, "id", "module")
    ctx.ids.add(check, line_of(data, "id"), "module", module_id)
    kind = check.get(data, "kind", str, "core", where="module")
    if kind not in ("core", "refresher"):
        check.problem(line_of(data, "kind"), "module.kind must be 'core' or 'refresher'")
    hours_raw = check.get(data, "hours", (int, float), None, where="module")
    hours = float(hours_raw or 0)
    f2f = float(
        check.get(data, "face_to_face_hours", (int, float), 0, required=False, where="module")
    )
    if hours_raw is not None and hours <= 0:
        check.problem(line_of(data, "hours"), "module.hours must be more than 0")
    if hours_raw is not None and not 0 <= f2f <= hours:
        check.problem(
            line_of(data, "face_to_face_hours"),
            f"face_to_face_hours ({f2f:g}) must be between 0 and the module hours ({hours:g})",
        )
    minutes = check.get(data, "min_active_minutes", int, 0, required=False, where="module")
    credit = read_credit(check, data, hours if hours_raw is not None else None, f2f)
    lessons = read_lessons(ctx, module_dir, module_id)
    if not lessons:
        check.problem(1, "the module has no lessons (lessons/NN-name.<lang>.md)")
    module = Module(
        id=module_id,
        order=order,
        kind=kind,
        hours=hours,
        face_to_face_hours=f2f,
        min_active_minutes=minutes,
        title=check.texts(data, "title", "module"),
        objectives=_objectives(check, data),
        lessons=lessons,
        quiz=_optional(
            ctx, module_dir / "quiz.yaml", lambda c, raw: read_quiz(c, raw, module_id, ctx.ids)
        ),
        assignment=_optional(
            ctx,
            module_dir / "assignment.yaml",
            lambda c, raw: read_assignment(
                c, raw, module_id, module_dir, ctx.ids, ctx.links, ctx.words
            ),
        ),
        folder=str(module_dir.resolve()),
        credit=credit,
        live_sessions=read_live_sessions(check, data, module_id, ctx.ids),
        journal=_optional(
            ctx,
            module_dir / "journal.yaml",
            lambda c, raw: read_journal(
                c, raw, module_id, module_dir, ctx.ids, ctx.links, ctx.words
            ),
        ),
    )
    check_credit(check, data, module)
    return module


def _optional(ctx: ReadContext, path: Path, read: Any) -> Any:
    if not path.is_file():
        return None
    check = ctx.check(path)
    parsed = check.parse(path.read_text(encoding="utf-8"))
    return None if parsed is None else read(check, parsed)


def _objectives(check: FileCheck, data: LineDict) -> dict[str, tuple[str, ...]]:
    raw = check.get(data, "objectives", dict, LineDict(), where="module")
    result: dict[str, tuple[str, ...]] = {}
    for lang in check.languages:
        items = raw.get(lang)
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(x, str) and x.strip() for x in items)
        ):
            check.problem(
                line_of(raw, lang) if lang in raw else line_of(data, "objectives"),
                f"objectives.{lang} must be a non-empty list of texts",
            )
            continue
        result[lang] = tuple(x.strip() for x in items)
    return result
