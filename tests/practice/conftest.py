"""The practice LMS fixtures (shared with other features through tests.practice_platform)."""

from tests.practice_platform import practice_lms  # noqa: F401
