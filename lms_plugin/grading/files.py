"""Uploads: type checked by content (magic bytes), names sanitised, stored under random names."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from lms_plugin.errors import DomainError
from lms_plugin.private_files import open_private, private_dir

# kind -> (mimetype, human label); the kinds an assignment's `file_types` may list.
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (docx)",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (xlsx)"),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint (pptx)",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text (odt)"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet (ods)"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "OpenDocument presentation (odp)"),
    "doc": ("application/msword", "Word 97-2003 (doc)"),
    "xls": ("application/vnd.ms-excel", "Excel 97-2003 (xls)"),
    "ppt": ("application/vnd.ms-powerpoint", "PowerPoint 97-2003 (ppt)"),
    "rtf": ("application/rtf", "RTF"),
    "txt": ("text/plain; charset=utf-8", "text (txt)"),
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
}
ALIASES = {"jpeg": "jpg", "jpe": "jpg", "text": "txt"}
_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_MANIFEST = (
    1024 * 1024
)  # [Content_Types].xml or mimetype larger than this is not an office file


def normalise_kind(extension: str) -> str:
    """`.JPEG` -> `jpg`."""
    ext = extension.lower().lstrip(".")
    return ALIASES.get(ext, ext)


def _zip_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {info.filename: info for info in archive.infolist()}
        mimetype = names.get("mimetype")
        if mimetype is not None and mimetype.file_size < 200:
            value = archive.read("mimetype").decode("ascii", "replace").strip()
            for kind in ("odt", "ods", "odp"):
                if value == KINDS[kind][0]:
                    return kind
            return None
        types = names.get("[Content_Types].xml")
        if types is not None and types.file_size < _MAX_MANIFEST:
            manifest = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            for kind, main in _OOXML_MAIN.items():
                if main in manifest:
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    head = text[:2048].lstrip().lower()
    # HTML or SVG would run scripts if a browser ever rendered it; it is not a plain-text answer.
    return not head.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script"))


def sniff(data: bytes) -> str | None:
    """The kind of file these bytes really are, or None when it is none we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE):
        return "ole"  # doc, xls or ppt: the container does not say which without parsing it
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data and _is_text(data):
        return "txt"
    return None


# Control characters, reserved signs, and bidi overrides (U+202E makes "evil\u202efdp.exe" look
# like "evilexe.pdf").
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def sanitise_filename(name: str, fallback_ext: str = "") -> str:
    """The last path component only, without control characters, leading dots or reserved signs."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:110] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:120]
    if not name or name.startswith("."):
        name = "file" + (f".{fallback_ext}" if fallback_ext else "")
    return name


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks."""

    original_name: str
    kind: str
    mimetype: str
    data: bytes


def check_upload(
    filename: str, data: bytes, *, allowed: tuple[str, ...], max_mb: float
) -> CheckedFile:
    """Refuse files too big, of a type not allowed, or whose content is not what the name says."""
    allowed_kinds = {normalise_kind(k) for k in allowed}
    safe = sanitise_filename(filename)
    shown = safe
    if not data:
        raise DomainError(_("The file “%(name)s” is empty.", name=shown), status_code=422)
    if len(data) > max_mb * 1024 * 1024:
        raise DomainError(
            _(
                "The file “%(name)s” is larger than %(mb)s MB. Make it smaller and try again.",
                name=shown,
                mb=_mb(max_mb),
            ),
            status_code=413,
        )
    _stem, dot, ext = safe.rpartition(".")
    claimed = normalise_kind(ext) if dot else ""
    labels = ", ".join(sorted(allowed_kinds))
    if claimed not in allowed_kinds:
        raise DomainError(
            _(
                "Files of type “%(ext)s” are not accepted here. Allowed types: %(types)s.",
                ext=ext or "?",
                types=labels,
            ),
            status_code=422,
        )
    actual = sniff(data)
    matches = actual == claimed or (actual == "ole" and claimed in ("doc", "xls", "ppt"))
    if not matches:
        raise DomainError(
            _(
                "The file “%(name)s” is not really a %(kind)s file "
                "(its content does not match its name). "
                "Save it again as %(kind)s, or export it to PDF, and upload that file.",
                name=shown,
                kind=KINDS.get(claimed, (claimed, claimed.upper()))[1],
            ),
            status_code=422,
        )
    return CheckedFile(original_name=safe, kind=claimed, mimetype=KINDS[claimed][0], data=data)


def _mb(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def upload_dir() -> Path:
    """Where submission files live (config UPLOAD_DIR / submissions)."""
    root = private_dir(Path(str(current_app.config["UPLOAD_DIR"])))
    return private_dir(root / "submissions")


def store(data: bytes) -> tuple[str, str]:
    """Write the bytes under a random name; returns (stored_name, sha256)."""
    stored = secrets.token_hex(16)
    target = upload_dir() / stored
    tmp = target.with_suffix(".part")
    with open_private(tmp) as handle:  # 0600: trainees' work, sometimes about minors
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    return stored, hashlib.sha256(data).hexdigest()


def stored_path(stored_name: str) -> Path:
    """The path of a stored file; the name is ours (hex), never the user's."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise DomainError(_("This file is not available."), status_code=404)
    return upload_dir() / stored_name


def discard(stored_name: str) -> None:
    """Delete a stored file no row refers to any more."""
    try:
        stored_path(stored_name).unlink(missing_ok=True)
    except DomainError:
        return
