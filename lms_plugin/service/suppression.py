"""Small counts that could identify a student are never shown: the rule lives in
`lms_plugin.suppression` (coordination's centre report uses it too); re-exported here."""

from __future__ import annotations

from lms_plugin.suppression import SMALL_COUNT, show, suppressed

__all__ = ["SMALL_COUNT", "show", "suppressed"]
