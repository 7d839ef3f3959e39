"""Turn a validated launch into users, contexts, memberships and resource links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lms_plugin import request_cache
from lms_plugin.accounts.models import LmsContext, Membership, ResourceLink, Role, User
from lms_plugin.db import db, utcnow
from lms_plugin.lti import link_targets
from lms_plugin.lti.models import Platform
from lms_plugin.lti.roles import context_role, is_admin_role
from lms_plugin.lti.tool_conf import deployment_of
from lms_plugin.lti.validation import LTI, LaunchRejected

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
PRESENTATION = LTI + "launch_presentation"


@dataclass(frozen=True)
class LaunchResult:
    """What the rest of the app needs from a launch."""

    user_id: int
    role: Role
    context_pk: int | None
    resource_link_pk: int | None
    target: str
    locale: str | None
    message_type: str
    return_url: str | None


def _str(value: Any, limit: int = 255) -> str | None:
    return str(value)[:limit] if isinstance(value, str) and value else None


def find_platform(issuer: str, client_id: str) -> Platform:
    """The registration the launch came through (its validation has read it in this request)."""
    known = request_cache.lookup(("platform", issuer, client_id))
    if isinstance(known, Platform):
        return known
    platform = db.session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if platform is None:
        raise LaunchRejected("platform vanished during launch")
    return platform


def upsert_user(platform: Platform, body: dict[str, Any]) -> User:
    """Create or refresh the user (issuer, sub): every registration of one platform shares them."""
    sub = str(body["sub"])[:255]
    user = db.session.scalar(select(User).where(User.issuer == platform.issuer, User.sub == sub))
    if user is None:
        user = User(platform_id=platform.id, issuer=platform.issuer, sub=sub)
        db.session.add(user)
    user.name = _str(body.get("name")) or user.name
    user.given_name = _str(body.get("given_name")) or user.given_name
    user.family_name = _str(body.get("family_name")) or user.family_name
    user.email = _str(body.get("email")) or user.email
    user.is_admin = is_admin_role(body.get(LTI + "roles", []))
    user.last_seen_at = utcnow()
    return user


def upsert_context(platform: Platform, body: dict[str, Any]) -> LmsContext | None:
    """The course the launch came from, with its service endpoints; None when there is none."""
    claim = body.get(LTI + "context")
    if not isinstance(claim, dict) or not claim.get("id"):
        return None
    context_id = str(claim["id"])[:255]
    ctx = db.session.scalar(
        select(LmsContext).where(
            LmsContext.platform_id == platform.id, LmsContext.context_id == context_id
        )
    )
    if ctx is None:
        ctx = LmsContext(platform_id=platform.id, context_id=context_id)
        db.session.add(ctx)
    ctx.title = _str(claim.get("title")) or ctx.title
    ctx.label = _str(claim.get("label")) or ctx.label
    deployment = deployment_of(platform, str(body.get(LTI + "deployment_id")))
    if deployment is not None:
        ctx.deployment_pk = deployment.id
    nrps = body.get(NRPS)
    if isinstance(nrps, dict) and isinstance(nrps.get("context_memberships_url"), str):
        ctx.memberships_url = nrps["context_memberships_url"]
    ags = body.get(AGS)
    if isinstance(ags, dict):
        if isinstance(ags.get("lineitems"), str):
            ctx.lineitems_url = ags["lineitems"]
        if isinstance(ags.get("scope"), list):
            ctx.ags_scopes = " ".join(str(s) for s in ags["scope"])
    db.session.flush()
    return ctx


def upsert_membership(ctx: LmsContext, user: User, role: Role, lti_roles: list[str]) -> None:
    """Record the user's role in the context as the launch says."""
    membership = db.session.scalar(
        select(Membership).where(Membership.context_pk == ctx.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(context_pk=ctx.id, user_id=user.id)
        db.session.add(membership)
    membership.role = role.value
    membership.lti_roles = " ".join(lti_roles)[:2000]
    membership.source = "launch"
    membership.is_active = True
    membership.has_launched = True


def upsert_resource_link(
    platform: Platform, ctx: LmsContext, body: dict[str, Any]
) -> ResourceLink | None:
    """The activity launched, what it was made for, and its own gradebook column (lineitem)."""
    claim = body.get(LTI + "resource_link")
    if not isinstance(claim, dict) or not claim.get("id"):
        return None
    link_id = str(claim["id"])[:255]
    link = db.session.scalar(
        select(ResourceLink).where(
            ResourceLink.context_pk == ctx.id, ResourceLink.resource_link_id == link_id
        )
    )
    target, column_resource_id = link_targets.resolve(body, platform, link)
    if link is None:
        link = ResourceLink(context_pk=ctx.id, resource_link_id=link_id)
        db.session.add(link)
    link.title = _str(claim.get("title")) or link.title
    link.target = target
    lineitem_url = link_targets.lineitem_of(body)
    if lineitem_url:
        if link.lineitem_url != lineitem_url:
            link.lineitem_resource_id = None
        link.lineitem_url = lineitem_url
        if column_resource_id is not None:
            link.lineitem_resource_id = column_resource_id
    db.session.flush()
    return link


def launch_target(body: dict[str, Any]) -> str:
    """Where a launch without a resource link goes (deep linking, a context-less launch)."""
    return link_targets.from_link_uri(body) or link_targets.from_custom(body) or "home"


def tool_role(user: User, body: dict[str, Any], has_context: bool) -> Role:
    """The role for this session: admin, then coordinator, then the context role."""
    roles = [r for r in body.get(LTI + "roles", []) if isinstance(r, str)]
    in_context = context_role(roles)
    if is_admin_role(roles):
        return Role.ADMIN
    if in_context == Role.TRAINER:
        return Role.TRAINER
    if user.is_coordinator:
        return Role.COORDINATOR
    return Role.TRAINEE


def record_launch(body: dict[str, Any]) -> LaunchResult:
    """Store what the launch tells us; flush, the caller commits."""
    aud = body["aud"]
    client_id = aud if isinstance(aud, str) else str(body.get("azp") or aud[0])
    platform = find_platform(str(body["iss"]), client_id)
    user = upsert_user(platform, body)
    db.session.flush()
    ctx = upsert_context(platform, body)
    target = launch_target(body)
    role = tool_role(user, body, ctx is not None)
    link = None
    presentation = body.get(PRESENTATION) if isinstance(body.get(PRESENTATION), dict) else {}
    locale = _str(presentation.get("locale"), 16) if presentation else None
    if ctx is not None:
        roles = [r for r in body.get(LTI + "roles", []) if isinstance(r, str)]
        member_role = context_role(roles) or (Role.TRAINER if role == Role.ADMIN else Role.TRAINEE)
        upsert_membership(ctx, user, member_role, roles)
        if locale and (member_role == Role.TRAINER or not ctx.gradebook_locale):
            ctx.gradebook_locale = locale  # the teachers read the gradebook
        link = upsert_resource_link(platform, ctx, body)
        if link is not None:
            target = link.target or target
    request_cache.remember(("launched-user", user.id), user)  # resume.establish logs them in
    return LaunchResult(
        user_id=user.id,
        role=role,
        context_pk=ctx.id if ctx else None,
        resource_link_pk=link.id if link else None,
        target=target,
        locale=locale,
        message_type=str(body.get(LTI + "message_type")),
        return_url=_str(presentation.get("return_url"), 2000) if presentation else None,
    )
