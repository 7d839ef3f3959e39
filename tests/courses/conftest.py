"""Fixtures of the courses tests: the tiny fixture course as the app's course folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.courses.content import Course, get_course
from tests.courses.fixture_courses import good_courses


@pytest.fixture
def tiny_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the tiny course, set as COURSES_DIR for this test."""
    folder = good_courses(tmp_path)
    monkeypatch.setitem(app.config, "COURSES_DIR", str(folder))
    return folder


@pytest.fixture
def tiny(tiny_dir: Path, app: Flask) -> Course:
    """The tiny course as loaded by the app."""
    with app.app_context():
        return get_course("tiny")
