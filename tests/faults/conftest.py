"""Fixtures for the fault tests: the practice LMS (the platform whose faults we inject)."""

from tests.practice_platform import practice_lms  # noqa: F401 - the fixture, for these tests
