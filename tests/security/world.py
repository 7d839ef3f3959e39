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

from lms_plugin.accounts.current import SESSION_KEY, VERSION_KEY
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
    # Tenants and scopes (tests/security/test_tenants_*.py): tenant A is moodle.sec.test (all of
    # the above), tenant B another Moodle. The programme of tenant A has two centres: C1 (Anna's
    # school S1) and C2 (school S2); "coordinator" coordinates the whole programme.
    "centre_coordinator": ("coord_c2", Role.COORDINATOR, None),  # tenant A, centre C2 only
    "ungranted_coordinator": ("coord_none", Role.COORDINATOR, None),  # tenant A, no grant
    "coordinator_b": ("coord_b", Role.COORDINATOR, None),  # tenant B, its own programme
    "admin_b": ("admin_b", Role.ADMIN, "x"),  # tenant B's platform administrator
    "tool_admin": ("tool_admin", Role.ADMIN, "x"),  # tenant B's, but a tool administrator
}
TENANT_A = "https://moodle.sec.test"
TENANT_B = "https://moodle.other.test"

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
                # A fresh login: the user's current session version (an earlier POST /logout in
                # the matrix ended the sessions before it, as it should).
                user = db.session.get(User, self.ids[key])
                db.session.refresh(user)
                sess[VERSION_KEY] = user.session_version if user else 0
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
    _tenants(world, text)
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
    from tests.availability_helpers import open_modules

    course = get_course("mentor-30h")
    assignment = course.assignments[0]
    world.ids["assignment_id"] = assignment.id
    first = course.core_modules[0]  # open to everyone (the course is sequential)
    world.ids["module_id"] = first.id
    world.ids["lesson_id"] = first.lessons[0].id
    world.ids["quiz_module_id"] = course.quizzes[0].module_id
    for who in ("anna", "bela"):  # the assignment's module is open for them (trainer's exception)
        open_modules(world.users[who].id, assignment.module_id)
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


def _tenants(world: World, text: str) -> None:
    """Centre C2 of tenant A's programme, tenant B with its own people and objects, the grants."""
    from lms_plugin.certification.models import Certificate
    from lms_plugin.certification.services import new_code
    from lms_plugin.coordination.models import (
        CoordinatorGrant,
        MentorProfile,
        PeerHelper,
        Placement,
        Programme,
        School,
        TrainingCentre,
    )
    from lms_plugin.grading.models import Submission

    programme = db.session.get(Programme, world.ids["programme"])
    assert programme is not None
    programme.issuer = TENANT_A
    centre2 = TrainingCentre(programme_id=programme.id, code="C2", name="Centre Two")
    db.session.add(centre2)
    db.session.flush()
    school2 = School(
        programme_id=programme.id, centre_id=centre2.id, code="S2", name="School Two (C2)"
    )
    db.session.add(school2)
    db.session.flush()
    bela_mentor = MentorProfile(user_id=world.users["bela"].id, home_school_id=school2.id)
    db.session.add(bela_mentor)
    db.session.flush()
    placement2 = Placement(mentor_id=bela_mentor.id, school_id=school2.id)
    helper2 = PeerHelper(
        school_id=school2.id,
        display_name="Helper of C2",
        school_year=10,
        start_date=date.today(),
        birth_year=date.today().year - 16,
        consent_by="self",
    )
    db.session.add_all([placement2, helper2])

    platform_b = Platform(
        issuer=TENANT_B,
        client_id="other-client",
        name="Other Moodle",
        auth_login_url=f"{TENANT_B}/auth",
        auth_token_url=f"{TENANT_B}/token",
        key_set_url=f"{TENANT_B}/certs",
    )
    platform_b.deployments.append(Deployment(deployment_id="1"))
    db.session.add(platform_b)
    db.session.flush()
    ctx_x = LmsContext(platform_id=platform_b.id, context_id="course-x", title="Course X")
    db.session.add(ctx_x)
    db.session.flush()
    world.contexts["x"] = ctx_x
    world.ids.update(platform_b=platform_b.id, context_x=ctx_x.id)
    tenant_a_platform = world.ids["platform"]
    people = {
        "coord_c2": (tenant_a_platform, "Coordinator of C2", {"is_coordinator": True}),
        "coord_none": (tenant_a_platform, "Coordinator without grant", {"is_coordinator": True}),
        "coord_b": (platform_b.id, "Coordinator B", {"is_coordinator": True}),
        "admin_b": (platform_b.id, "Admin B", {"is_admin": True}),
        "tool_admin": (platform_b.id, "Tool Admin", {"is_admin": True, "is_tool_admin": True}),
        "carol": (platform_b.id, "Carol of tenant B", {}),
    }
    for n, (key, (platform_id, name, flags)) in enumerate(people.items()):
        user = User(platform_id=platform_id, sub=str(500 + n), name=name, **flags)
        db.session.add(user)
        db.session.flush()
        world.users[key] = user
        world.ids[key] = user.id
    db.session.add(
        Membership(
            context_pk=ctx_x.id, user_id=world.ids["carol"], role="trainee", has_launched=True
        )
    )
    programme_b = Programme(
        name="Programme of tenant B", year_ends_on=programme.year_ends_on, issuer=TENANT_B
    )
    db.session.add(programme_b)
    db.session.flush()
    centre_b = TrainingCentre(programme_id=programme_b.id, code="CB", name="Centre B")
    db.session.add(centre_b)
    db.session.flush()
    db.session.add(
        School(programme_id=programme_b.id, centre_id=centre_b.id, code="SB", name="School B")
    )
    db.session.add_all(
        [
            CoordinatorGrant(user_id=world.ids["coord"], programme_id=programme.id),
            CoordinatorGrant(
                user_id=world.ids["coord_c2"], programme_id=programme.id, centre_id=centre2.id
            ),
            CoordinatorGrant(user_id=world.ids["coord_b"], programme_id=programme_b.id),
        ]
    )
    now = utcnow()
    cert = Certificate(
        user_id=world.ids["carol"],
        course_id="mentor-30h",
        course_version="1",
        code=new_code(),
        holder_name="Carol of tenant B",
        hours=30.0,
        valid_from=now,
        expires_at=now + timedelta(days=3 * 365),
    )
    sub = Submission(
        user_id=world.ids["carol"],
        context_pk=ctx_x.id,
        course_id="mentor-30h",
        module_id=_assignment_module(world.ids["assignment_id"]),
        assignment_id=world.ids["assignment_id"],
        attempt=1,
        state="submitted",
        text=text,
        submitted_at=now,
    )
    db.session.add_all([cert, sub])
    db.session.flush()
    world.ids.update(
        programme_b=programme_b.id,
        centre2=centre2.id,
        school2=school2.id,
        helper2=helper2.id,
        bela_mentor=bela_mentor.id,
        carol_cert=cert.id,
        carol_submission=sub.id,
    )


def _assignment_module(assignment_id: str) -> str:
    from lms_plugin.courses.content import get_course

    return next(a.module_id for a in get_course("mentor-30h").assignments if a.id == assignment_id)
