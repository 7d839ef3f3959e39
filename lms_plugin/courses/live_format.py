"""Reading module.yaml `live_sessions:` (workshops and online seminars, with their hours)."""

from __future__ import annotations

from lms_plugin.courses.content import LiveSession
from lms_plugin.courses.source import FileCheck, IdRegistry, LineDict, line_of

SESSION_KEYS = {"id", "kind", "hours", "title", "summary"}
SESSION_KINDS = ("workshop", "online")
MAX_SESSION_HOURS = 12


def read_live_sessions(
    check: FileCheck, data: LineDict, module_id: str, ids: IdRegistry
) -> tuple[LiveSession, ...]:
    """The module's declared live sessions; problems for anything the format does not allow."""
    if "live_sessions" not in data:
        return ()
    raw = check.get(data, "live_sessions", list, [], required=False, where="module")
    sessions: list[LiveSession] = []
    for index, item in enumerate(raw):
        where = f"live_sessions[{index + 1}]"
        entry = check.mapping(item, where, line_of(data, "live_sessions"))
        if not entry:
            continue
        check.keys(entry, SESSION_KEYS, where)
        session_id = check.ident(entry, "id", where)
        ids.add(check, line_of(entry, "id"), "live session", session_id)
        kind = check.get(entry, "kind", str, "workshop", where=where)
        if kind not in SESSION_KINDS:
            check.problem(
                line_of(entry, "kind"), f"{where}.kind must be 'workshop' or 'online', not {kind!r}"
            )
            kind = "workshop"
        hours = float(check.get(entry, "hours", (int, float), 0, where=where))
        if "hours" in entry and not 0 < hours <= MAX_SESSION_HOURS:
            check.problem(
                line_of(entry, "hours"),
                f"{where}.hours must be more than 0 and at most {MAX_SESSION_HOURS}",
            )
        summary = check.texts(entry, "summary", where, required=False)
        sessions.append(
            LiveSession(
                id=session_id,
                module_id=module_id,
                kind=kind,
                hours=hours,
                title=check.texts(entry, "title", where),
                summary=summary,
            )
        )
    if sessions and "credit" not in data:
        check.problem(
            line_of(data, "live_sessions"),
            "live_sessions need the module's credit: with live equal to their hours",
        )
    return tuple(sessions)
