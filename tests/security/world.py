"""A seeded programme for the security tests: two courses, seven kinds of visitor, owned objects.

Objects belong to `trainee` (Anna, course A); `other_trainee` (Béla, course A) has the same kinds of
objects, so a test can check that Anna's ids are refused to Béla and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.accounts.current import SESSION_KEY
from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.db import db, utcnow
from lms_plugin.lti.models import Deployment, Platform

# Who visits: (seed user key or None, role the session carries, context key)
VISITORS: dict[str, tuple[str | None, Role | None, str | None]] = {
    "anonymous": (None, None, None),
    "trainee": ("anna", Role.TRAINEE, "a"),
    "other_trainee": ("bela", Role.TRAINEE, "a"),
    "trainer_elsewhere": ("tb", Role.TRAINER, "b"),
    "trainer": ("ta", Role.TRAINER, "a"),
    "coordinator": ("coord", Role.COORDINATOR, "a"),
    "admin": ("admin", Role.ADMIN, "a"),
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Ids of everything seeded, by name (`ids["anna_cert"]` …)."""

    users: dict[str, User] = field(default_factory=dict)
    contexts: dict[str, LmsContext] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)

    def client(self, app: Flask, visitor: str) -> FlaskClient:
        """A browser for `visitor`, logged in the way a launch leaves it."""
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        key, role, ctx = VISITORS[visitor]
        if key is not None and role is not None:
            # By id, as conftest.login does: the objects may be detached from any session here.
            with client.session_transaction() as sess:
                sess["_user_id"] = str(self.ids[key])
                sess["_fresh"] = True
                sess[SESSION_KEY] = {
                    "role": role.value,
                    "context_pk": self.ids[f"context_{ctx}"] if ctx else None,
                    "resource_link_pk": None,
                    "target": "home",
                }
        return client


def seed_world(text: str = "My plan for the school year") -> World:
    """Create the programme; `text` goes into every user-text field (XSS tests pass payloads)."""
    world = World()
    platform = Platform(
        issuer="https://moodle.sec.test",
        client_id="sec-client",
        name="Moodle",
        auth_login_url="https://moodle.sec.test/auth",
        auth_token_url="https://moodle.sec.test/token",
        key_set_url="https://moodle.sec.test/certs",
    )
    platform.deployments.append(Deployment(deployment_id="1"))
    db.session.add(platform)
    db.session.flush()
    world.ids["platform"] = platform.id
    for key in ("a", "b"):
        ctx = LmsContext(platform_id=platform.id, context_id=f"course-{key}", title=f"Course {key}")
        db.session.add(ctx)
        world.contexts[key] = ctx
    db.session.flush()
    world.ids.update(context_a=world.contexts["a"].id, context_b=world.contexts["b"].id)
    people = {
        "anna": ("a", Role.TRAINEE, f"Anna {text}"),
        "bela": ("a", Role.TRAINEE, "Béla Kiss"),
        "ta": ("a", Role.TRAINER, "Trainer A"),
        "tb": ("b", Role.TRAINER, "Trainer B"),
        "coord": (None, None, "Coordinator"),
        "admin": (None, None, "Admin"),
    }
    for n, (key, (ctx, role, name)) in enumerate(people.items()):
        user = User(
            platform_id=platform.id,
            sub=str(100 + n),
            name=name,
            is_coordinator=key == "coord",
            is_admin=key == "admin",
        )
        db.session.add(user)
        db.session.flush()
        world.users[key] = user
        world.ids[key] = user.id
        if ctx is not None and role is not None:
            db.session.add(
                Membership(
                    context_pk=world.contexts[ctx].id,
                    user_id=user.id,
                    role=role.value,
                    has_launched=True,
                )
            )
    db.session.flush()
    _certificates(world, text)
    _submissions(world, text)
    _coordination(world, text)
    db.session.commit()
    return world


def _certificates(world: World, text: str) -> None:
    from lms_plugin.certification.models import Certificate
    from lms_plugin.certification.services import new_code

    now = utcnow()
    for who in ("anna", "bela"):
        cert = Certificate(
            user_id=world.users[who].id,
            course_id="mentor-30h",
            course_version="1",
            code=new_code(),
            holder_name=world.users[who].name or who,
            hours=30.0,
            valid_from=now,
            expires_at=now + timedelta(days=3 * 365),
        )
        db.session.add(cert)
        db.session.flush()
        world.ids[f"{who}_cert"] = cert.id
        world.ids[f"{who}_code"] = cert.code
    revoked = Certificate(
        user_id=world.users["bela"].id,
        course_id="mentor-30h",
        course_version="1",
        code=new_code(),
        holder_name="Béla Kiss",
        hours=30.0,
        valid_from=now,
        expires_at=now + timedelta(days=365),
        period_no=2,
        revoked_at=now,
        revoked_reason=text,
    )
    db.session.add(revoked)
    db.session.flush()
    world.ids["revoked_code"] = revoked.code


def _submissions(world: World, text: str) -> None:
    from lms_plugin.courses.content import get_course
    from lms_plugin.grading import files as filestore
    from lms_plugin.grading.models import CommentBankEntry, Submission, SubmissionFile

    course = get_course("mentor-30h")
    assignment = course.assignments[0]
    world.ids["assignment_id"] = assignment.id
    first = course.core_modules[0]  # open to everyone (the course is sequential)
    world.ids["module_id"] = first.id
    world.ids["lesson_id"] = first.lessons[0].id
    world.ids["quiz_module_id"] = course.quizzes[0].module_id
    for who in ("anna", "bela"):
        sub = Submission(
            user_id=world.users[who].id,
            context_pk=world.contexts["a"].id,
            course_id=course.id,
            module_id=assignment.module_id,
            assignment_id=assignment.id,
            attempt=1,
            state="submitted",
            text=text,
            submitted_at=utcnow(),
        )
        db.session.add(sub)
        db.session.flush()
        stored, sha = filestore.store(PDF)
        upload = SubmissionFile(
            submission_id=sub.id,
            stored_name=stored,
            original_name=f"{who}-plan.pdf",
            kind="pdf",
            mimetype="application/pdf",
            size=len(PDF),
            sha256=sha,
        )
        db.session.add(upload)
        db.session.flush()
        world.ids[f"{who}_submission"] = sub.id
        world.ids[f"{who}_file"] = upload.id
    entry = CommentBankEntry(owner_id=world.users["ta"].id, text=text)
    db.session.add(entry)
    db.session.flush()
    world.ids["comment_entry"] = entry.id


def _coordination(world: World, text: str) -> None:
    from lms_plugin.coordination.models import (
        MentorProfile,
        PeerHelper,
        Placement,
        Programme,
        School,
        TrainingCentre,
    )

    programme = Programme(name=f"Programme {text}", year_ends_on=date(date.today().year + 1, 6, 30))
    db.session.add(programme)
    db.session.flush()
    centre = TrainingCentre(programme_id=programme.id, code="C1", name=f"Centre {text}")
    db.session.add(centre)
    db.session.flush()
    school = School(
        programme_id=programme.id, centre_id=centre.id, code="S1", name=f"School {text}"
    )
    db.session.add(school)
    db.session.flush()
    mentor = MentorProfile(user_id=world.users["anna"].id, home_school_id=school.id)
    db.session.add(mentor)
    db.session.flush()
    placement = Placement(mentor_id=mentor.id, school_id=school.id)
    helper = PeerHelper(
        school_id=school.id,
        display_name=text[:40],
        school_year=10,
        start_date=date.today(),
        birth_year=date.today().year - 16,
        consent_by="self",
    )
    db.session.add_all([placement, helper])
    db.session.flush()
    world.ids.update(
        programme=programme.id,
        school=school.id,
        mentor=mentor.id,
        placement=placement.id,
        helper=helper.id,
    )
