"""Progress tests may run real launches through the practice LMS."""

from tests.practice_platform import practice_lms  # noqa: F401 - end-to-end tests
