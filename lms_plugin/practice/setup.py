"""Register the practice LMS as a platform of the tool."""

from __future__ import annotations


def register_practice_platform() -> None:
    """Idempotent: add the practice platform and its deployment."""
