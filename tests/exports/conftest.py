"""Fixtures of the export tests: the coordination organisation (centre, schools, coordinator)."""

from tests.coordination.conftest import org  # noqa: F401
