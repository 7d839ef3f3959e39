"""Reading course files with line numbers, and typed getters that report problems, not raise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a course file; line 0 means the file as a whole."""

    file: str  # relative to the courses folder
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "message": self.message}


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of every key."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicates: list[tuple[int, Any]]


class LineList(list[Any]):
    """A YAML sequence that remembers its own line and the line of every item."""

    line: int = 0
    item_lines: list[int]


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """A safe loader (libyaml's when available: 20x faster) whose mappings and sequences
    carry 1-based line numbers."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineDict]:
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicates = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            seen = key in data
        except TypeError:  # an unhashable key (a list or a mapping)
            data.duplicates.append((line, str(key)))
            continue
        if seen:
            data.duplicates.append((line, key))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def line_of(data: Any, key: Any = None) -> int:
    """The line of `key` in a mapping (or of the mapping itself)."""
    if isinstance(data, LineDict):
        if key is not None and key in data.key_lines:
            return data.key_lines[key]
        return data.line
    return getattr(data, "line", 0)


class FileCheck:
    """Problems found in one file; getters return a safe default after reporting."""

    def __init__(self, sink: list[Problem], file: str, languages: tuple[str, ...], offset: int = 0):
        self.sink = sink
        self.file = file
        self.languages = languages
        self.offset = offset  # added to YAML lines (front matter starts below the first ---)

    def problem(self, line: int, message: str) -> None:
        self.sink.append(Problem(self.file, line + self.offset if line else 0, message))

    def parse(self, text: str) -> Any:
        """YAML text → data with line numbers; None (and a problem) when it does not parse."""
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"not valid YAML: {exc.problem or exc}"
            context = exc.context_mark
            if context is not None and mark is not None and context.line != mark.line:
                message += f" ({exc.context} on line {context.line + 1 + self.offset})"
            self.problem(mark.line + 1 if mark else 1, message)
            return None
        except yaml.YAMLError as exc:
            self.problem(1, f"not valid YAML: {exc}")
            return None
        self._report_duplicates(data)
        return data

    def _report_duplicates(self, data: Any) -> None:
        if isinstance(data, LineDict):
            for line, key in data.duplicates:
                self.problem(line, f"key {key!r} appears more than once")
            for value in data.values():
                self._report_duplicates(value)
        elif isinstance(data, list):
            for value in data:
                self._report_duplicates(value)

    def mapping(self, data: Any, where: str, line: int = 1) -> LineDict:
        if isinstance(data, LineDict):
            return data
        self.problem(line_of(data) or line, f"{where} must be a mapping of keys to values")
        return LineDict()

    def keys(self, data: LineDict, allowed: set[str], where: str) -> None:
        """Report keys the format does not know (often a typo that would be silently ignored)."""
        for key in data:
            if key not in allowed:
                self.problem(line_of(data, key), f"unknown key {key!r} in {where}")

    def get(
        self,
        data: LineDict,
        key: str,
        kind: type | tuple[type, ...],
        default: Any,
        *,
        required: bool = True,
        where: str = "",
    ) -> Any:
        """data[key] when it has the right type; otherwise report and return `default`."""
        label = f"{where}.{key}" if where else key
        if key not in data or data[key] is None:
            if required:
                self.problem(line_of(data), f"{label} is required")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            value_ok = False
        else:
            value_ok = isinstance(value, kinds)
        if not value_ok:
            names = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            self.problem(line_of(data, key), f"{label} must be {names}, not {value!r}")
            return default
        return value

    def ident(self, data: LineDict, key: str, where: str) -> str:
        value = self.get(data, key, str, "", where=where)
        if value and not ID_RE.match(value):
            self.problem(
                line_of(data, key),
                f"{where}.{key} {value!r} must use lower-case letters, digits and hyphens",
            )
        return str(value)

    def texts(
        self, data: LineDict, key: str, where: str, *, required: bool = True
    ) -> dict[str, str]:
        """A {hu: ..., en: ...} map, complete and non-empty in every course language."""
        label = f"{where}.{key}" if where else key
        raw = self.get(data, key, dict, None, required=required, where=where)
        if raw is None:
            return {}
        return self.text_map(raw, label, line_of(data, key))

    def text_map(self, raw: LineDict, label: str, line: int) -> dict[str, str]:
        result: dict[str, str] = {}
        for lang in self.languages:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.problem(
                    line_of(raw, lang) if lang in raw else line, f"{label} has no {lang!r} text"
                )
            else:
                result[lang] = value.strip()
        for lang in raw:
            if lang not in self.languages:
                self.problem(
                    line_of(raw, lang),
                    f"{label} has {lang!r}, which is not one of the course languages",
                )
        return result


_TYPE_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dict: "a mapping",
    list: "a list",
}


def relative(path: Path, root: Path) -> str:
    """A path relative to the courses folder, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class IdRegistry:
    """Ids of modules, lessons, quizzes and assignments, unique across a course."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str, int]] = {}

    def add(self, check: FileCheck, line: int, kind: str, value: str) -> None:
        if not value:
            return
        if value in self.seen:
            other_kind, other_file, other_line = self.seen[value]
            check.problem(
                line,
                f"{kind} id {value!r} is already used by the {other_kind} "
                f"at {other_file}:{other_line}",
            )
        else:
            self.seen[value] = (kind, check.file, line + check.offset)
