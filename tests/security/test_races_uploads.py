"""Item 12: eight uploads at once on a 3-file assignment store at most 3 files (row lock), and a
refused upload leaves no file behind on disk."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from lms_plugin.accounts.models import Membership, User
from lms_plugin.courses.content import get_course
from lms_plugin.db import db
from lms_plugin.grading.models import Submission, SubmissionFile
from tests.availability_helpers import open_modules
from tests.security.concurrency import at_once, browser
from tests.security.world import PDF, World

UPLOADS = 8


def _trainee(world: World, sub: str) -> int:
    user = User(platform_id=world.ids["platform"], sub=sub, name=f"Trainee {sub}")
    db.session.add(user)
    db.session.flush()
    db.session.add(
        Membership(
            context_pk=world.ids["context_a"], user_id=user.id, role="trainee", has_launched=True
        )
    )
    open_modules(user.id)  # these tests are about uploads, behind the availability rule
    db.session.commit()
    return user.id


def test_concurrent_uploads_never_exceed_the_file_limit(app: Flask, world: World) -> None:
    course = get_course("mentor-30h")
    assignment = next(a for a in course.assignments if "file" in a.submission_types)
    assert assignment.max_files == 3
    user_id = _trainee(world, "uploader")
    url = f"/grading/assignments/{assignment.id}/draft"
    first = browser(app, user_id, "trainee", world.ids["context_a"])
    assert first.post(url, data={"text": "my plan"}).status_code == 302  # the draft exists

    def upload(i: int) -> int:
        client = browser(app, user_id, "trainee", world.ids["context_a"])
        response = client.post(
            url,
            data={"files": (io.BytesIO(PDF + str(i).encode()), f"plan-{i}.pdf")},
            content_type="multipart/form-data",
        )
        return response.status_code

    folder = Path(app.config["UPLOAD_DIR"]) / "submissions"
    before = {p.name for p in folder.iterdir()}
    statuses = at_once(UPLOADS, upload)
    assert all(status < 500 for status in statuses), statuses
    stored = db.session.scalar(
        select(func.count())
        .select_from(SubmissionFile)
        .join(Submission)
        .where(Submission.user_id == user_id)
    )
    assert stored == assignment.max_files
    drafts = db.session.scalar(
        select(func.count()).select_from(Submission).where(Submission.user_id == user_id)
    )
    assert drafts == 1
    new_on_disk = {p.name for p in folder.iterdir()} - before
    names = set(db.session.scalars(select(SubmissionFile.stored_name)))
    assert len(new_on_disk) == assignment.max_files
    assert new_on_disk <= names, "a refused upload left a file no row refers to"


def test_concurrent_first_uploads_create_one_draft(app: Flask, world: World) -> None:
    """No draft yet: the first requests all try to open attempt 1; one draft, no 500."""
    course = get_course("mentor-30h")
    assignment = next(a for a in course.assignments if "file" in a.submission_types)
    user_id = _trainee(world, "fresh-uploader")
    url = f"/grading/assignments/{assignment.id}/draft"

    def upload(i: int) -> int:
        client = browser(app, user_id, "trainee", world.ids["context_a"])
        return client.post(
            url,
            data={"files": (io.BytesIO(PDF + str(i).encode()), f"plan-{i}.pdf")},
            content_type="multipart/form-data",
        ).status_code

    statuses = at_once(6, upload)
    assert all(status < 500 for status in statuses), statuses
    drafts = list(db.session.scalars(select(Submission).where(Submission.user_id == user_id)))
    assert len(drafts) == 1
    assert len(drafts[0].files) == assignment.max_files
