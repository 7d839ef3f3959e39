"""UI tests reuse the launch fixtures: a Moodle-like platform and the practice LMS."""

from tests.lti.conftest import moodle, tool  # noqa: F401
from tests.practice_platform import practice_lms  # noqa: F401
