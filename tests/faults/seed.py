"""Realistic rows for fault and backup tests: real launches through the practice LMS and a score."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import LmsContext, ResourceLink, User
from lms_plugin.db import db
from lms_plugin.lti.ags import queue_score
from lms_plugin.lti.ags_delivery import deliver_round
from tests.practice_platform import PracticeLms, launch_as


def https_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def course_of(lms: PracticeLms) -> tuple[LmsContext, ResourceLink]:
    """The practice course as the tool knows it, and its graded activity."""
    platform = lms.platform()
    context = db.session.scalar(select(LmsContext).where(LmsContext.platform_id == platform.id))
    assert context is not None
    link = db.session.scalar(
        select(ResourceLink)
        .where(ResourceLink.context_pk == context.id, ResourceLink.lineitem_url.is_not(None))
        .order_by(ResourceLink.id)
    )
    assert link is not None
    return context, link


def user_of(lms: PracticeLms, sub: str) -> User:
    user = db.session.scalar(
        select(User).where(User.platform_id == lms.platform().id, User.sub == sub)
    )
    assert user is not None
    return user


def seed_programme(app: Flask, lms: PracticeLms, *, upload: bytes = b"%PDF-1.4 plan") -> None:
    """Anna and Éva launch, Anna's score is delivered, and one uploaded file exists."""
    for who in ("eva", "anna", "peter"):
        assert launch_as(https_client(app), who, target="course").status_code == 200
    with app.app_context():
        context, link = course_of(lms)
        anna = user_of(lms, "4")
        queue_score(
            user_id=anna.id,
            context_pk=context.id,
            resource_link_pk=link.id,
            line_item=None,
            score_given=7.5,
            score_maximum=10,
            activity_progress="Completed",
            grading_progress="FullyGraded",
            comment="Árvíztűrő tükörfúrógép ✓",
        )
        db.session.commit()
        deliver_round()
        folder = Path(app.config["UPLOAD_DIR"]) / "submissions" / "ab"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "abcdef.pdf").write_bytes(upload)
