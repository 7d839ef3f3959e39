"""Fixtures for the AGS/NRPS tests: the stub platform mounted, and a course registered on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from lms_plugin.accounts.models import LmsContext, Membership, ResourceLink, Role, User
from lms_plugin.db import db
from lms_plugin.lti.http import EXTENSION, mount_adapter
from lms_plugin.lti.models import Deployment, Platform
from lms_plugin.lti.tokens import SCOPE_LINEITEM, SCOPE_NRPS, SCOPE_RESULT_READONLY, SCOPE_SCORE
from tests.lti.stub_platform import BASE, StubPlatform


@pytest.fixture
def stub(app_ctx: Flask) -> Iterator[StubPlatform]:
    """The stub platform, reachable at https://lms.stub through the tool's HTTP session."""
    platform = StubPlatform()
    mount_adapter(app_ctx, BASE + "/", platform)
    yield platform
    app_ctx.extensions.get(EXTENSION, {}).pop(BASE + "/", None)


@dataclass
class Course:
    """A course on the stub platform with a trainer, two trainees and a graded activity."""

    platform: Platform
    context: LmsContext
    link: ResourceLink
    trainer: User
    anna: User
    bela: User

    def member(self, sub: str, *, role: Role = Role.TRAINEE, launched: bool = True) -> User:
        user = User(platform_id=self.platform.id, sub=sub, name=f"User {sub}")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Membership(
                context_pk=self.context.id, user_id=user.id, role=role.value, has_launched=launched
            )
        )
        db.session.flush()
        return user


def register_stub_platform(client_id: str = "tool-client") -> Platform:
    """The stub platform as a registration of the tool."""
    platform = Platform(
        issuer=BASE,
        client_id=client_id,
        name="Stub LMS",
        auth_login_url=f"{BASE}/auth",
        auth_token_url=f"{BASE}/token",
        key_set_url=f"{BASE}/certs",
    )
    platform.deployments.append(Deployment(deployment_id="1"))
    db.session.add(platform)
    db.session.flush()
    return platform


@pytest.fixture
def course(stub: StubPlatform) -> Course:
    """A committed course whose activity has its own gradebook column on the stub."""
    platform = register_stub_platform()
    context = LmsContext(
        platform_id=platform.id,
        context_id="course-1",
        title="Mentor course",
        lineitems_url=f"{BASE}/lineitems",
        memberships_url=f"{BASE}/memberships",
        ags_scopes=" ".join([SCOPE_LINEITEM, SCOPE_RESULT_READONLY, SCOPE_SCORE]),
    )
    db.session.add(context)
    db.session.flush()
    link = ResourceLink(
        context_pk=context.id,
        resource_link_id="rl-1",
        title="Module 1",
        target="module:intro",
        lineitem_url=stub.add_line_item("Module 1"),
    )
    db.session.add(link)
    db.session.flush()
    world = Course(platform, context, link, None, None, None)  # type: ignore[arg-type]
    world.trainer = world.member("2", role=Role.TRAINER)
    world.anna = world.member("31")
    world.bela = world.member("32")
    db.session.commit()
    return world


__all__ = ["SCOPE_NRPS", "Course", "course", "register_stub_platform", "stub"]
