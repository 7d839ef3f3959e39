"""Reading the scheduling and register forms by hand (their fields follow the course)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lms_plugin.errors import DomainError
from lms_plugin.input_guard import parse_int
from lms_plugin.live.models import STATUSES
from lms_plugin.live.services import MAX_NOTE, OccurrenceInput

MAX_DURATION = 12 * 60
MAX_CAPACITY = 500


def _bad(message: str) -> DomainError:
    return DomainError(message, status_code=400)


def parse_occurrence(form: MultiDict[str, str]) -> OccurrenceInput:
    """Fields: session ("module_id/session_id"), date (YYYY-MM-DD), time (HH:MM, Budapest),
    duration (minutes), place, online_url (https only), capacity, note."""
    module_id, _sep, session_id = form.get("session", "").partition("/")
    if not module_id or not session_id:
        raise _bad(_("Choose one of the course's live sessions."))
    try:
        starts = datetime.strptime(
            f"{form.get('date', '').strip()} {form.get('time', '').strip()}", "%Y-%m-%d %H:%M"
        )
    except ValueError:
        raise _bad(_("Give the date as YYYY-MM-DD and the time as HH:MM.")) from None
    if not 2000 <= starts.year <= 2100:
        raise _bad(_("Give the date as YYYY-MM-DD and the time as HH:MM."))
    duration = parse_int(form.get("duration", ""))
    if duration is None or not 15 <= duration <= MAX_DURATION:
        raise _bad(_("The duration is from 15 to 720 minutes."))
    capacity = parse_int(form.get("capacity", ""))
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        raise _bad(_("The capacity is from 1 to 500 places."))
    place = " ".join(form.get("place", "").split())[:300]
    url = form.get("online_url", "").strip()
    if url:
        parts = urlsplit(url)
        if (
            parts.scheme != "https"
            or not parts.hostname
            or len(url) > 500
            or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url)
        ):
            raise _bad(_("The online link must be a full https:// address."))
    if not place and not url:
        raise _bad(_("Give the place, the online link, or both."))
    note = form.get("note", "").strip()[:MAX_NOTE]
    return OccurrenceInput(module_id, session_id, starts, duration, place, url, capacity, note)


def parse_register(form: MultiDict[str, str]) -> dict[int, tuple[str, str]]:
    """Fields status-<user id> and note-<user id>; people without a status are left alone."""
    entries: dict[int, tuple[str, str]] = {}
    for key, value in form.items():
        if not key.startswith("status-"):
            continue
        user_id = parse_int(key.removeprefix("status-"))
        if user_id is None:
            raise _bad(_("The register form is not valid. Reload the page."))
        if not value:
            continue
        if value not in STATUSES:
            raise _bad(_("Choose present, late, excused or absent."))
        entries[user_id] = (value, form.get(f"note-{user_id}", ""))
    return entries
