"""Progress codes as words, in one place: module statuses (badges, and inside sentences) and the
states of the evidence a module asks for (assignment, practicum). A code never reaches the page."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# ModuleProgress.status, as a badge says it
MODULE_STATUS = {
    "locked": _l("Locked"),
    "open": _l("Not started"),
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
}
# ModuleProgress.status inside a sentence (the audit log)
STATUS_WORDS = {
    "locked": _l("locked"),
    "open": _l("not started"),
    "in_progress": _l("in progress"),
    "complete": _l("complete"),
}
# ModuleProgress.assignment_state / practicum_state (grading's submission states)
EVIDENCE_STATE = {
    "none": _l("not started"),
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "needs_revision": _l("needs revision"),
    "passed": _l("passed"),
    "failed": _l("not passed"),
}


def _word(words: Mapping[str, LazyString], code: object) -> str:
    word = words.get(code) if isinstance(code, str) else None
    return str(word) if word is not None else _("unknown")


def module_status_label(code: object) -> str:
    """ "Not started", "Complete"… for a badge."""
    return _word(MODULE_STATUS, code)


def status_word(code: object) -> str:
    """ "not started", "complete"… inside a sentence; anything else "unknown", never the code."""
    return _word(STATUS_WORDS, code)


def evidence_state_label(code: object) -> str:
    """ "submitted", "needs revision"… for an assignment's or a practicum journal's state."""
    return _word(EVIDENCE_STATE, code)
