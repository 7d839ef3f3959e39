"""Broken fixtures of module.yaml `live_sessions:`: kind → (file, line, words)."""

from __future__ import annotations

M1 = "tiny/modules/01-basics"

EXPECTED_LIVE: dict[str, list[tuple[str, int, str]]] = {
    "live-sessions": [
        (f"{M1}/module.yaml", 12, "live_sessions[1].kind must be 'workshop' or 'online'"),
        (f"{M1}/module.yaml", 15, "'Second_Round' must use lower-case letters"),
        (f"{M1}/module.yaml", 18, "live_sessions[2].title has no 'en' text"),
        (f"{M1}/module.yaml", 5, "credit.live is 0.5 but the module's live_sessions add up to 1.5"),
    ],
}
