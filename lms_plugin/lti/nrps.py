"""Course rosters from the platform (NRPS): users and memberships, including who never launched."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, after_this_request, current_app, has_request_context
from sqlalchemy import select

from lms_plugin.accounts.models import LmsContext, Membership, User
from lms_plugin.db import db, utcnow
from lms_plugin.extensions import cache
from lms_plugin.lti.models import Platform
from lms_plugin.lti.paging import next_link
from lms_plugin.lti.roles import context_role, is_admin_role
from lms_plugin.lti.tokens import SCOPE_NRPS, ServiceError, error_text, parse_json, service_request

log = logging.getLogger("lms_plugin.lti.nrps")

MEMBERSHIP_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200
_PROFILE = ("name", "given_name", "family_name", "email")


@dataclass(frozen=True)
class RosterSyncResult:
    """What a roster sync found and changed; `error` is set (and nothing changed) when it failed."""

    context_pk: int
    members: int = 0
    users_created: int = 0
    memberships_added: int = 0
    memberships_updated: int = 0
    deactivated: int = 0
    pages: int = 0
    error: str | None = None


def fetch_members(context: LmsContext, platform: Platform) -> tuple[list[dict[str, Any]], int]:
    """Every member on every page; raises ServiceError."""
    if not context.memberships_url:
        raise ServiceError(
            "no launch from this course carried the NRPS memberships URL", retryable=False
        )
    members: list[dict[str, Any]] = []
    url: str | None = context.memberships_url
    seen: set[str] = set()
    pages = 0
    while url is not None and pages < MAX_PAGES and url not in seen:
        seen.add(url)
        response = service_request(platform, "GET", url, [SCOPE_NRPS], accept=MEMBERSHIP_MEDIA_TYPE)
        if response.status_code != 200:
            raise ServiceError(error_text(response), status=response.status_code)
        body = parse_json(response, "memberships service")
        page = body.get("members") if isinstance(body, dict) else None
        if not isinstance(page, list):
            raise ServiceError("the memberships service answered without a members list")
        members.extend(m for m in page if isinstance(m, dict) and m.get("user_id"))
        pages += 1
        url = next_link(response.headers, response.url, body)
    return members, pages


def _text(value: Any) -> str | None:
    return str(value)[:255] if isinstance(value, str) and value.strip() else None


def sync_roster(context_pk: int) -> RosterSyncResult:
    """Fetch the roster and upsert users and memberships (flush only; the caller commits)."""
    context = db.session.get(LmsContext, context_pk)
    if context is None:
        return RosterSyncResult(context_pk, error=f"context {context_pk} does not exist")
    platform = db.session.get_one(Platform, context.platform_id)
    try:
        members, pages = fetch_members(context, platform)
    except ServiceError as exc:
        log.warning(
            "roster sync failed", extra={"data": {"context_pk": context_pk, "reason": exc.reason}}
        )
        return RosterSyncResult(context_pk, error=exc.reason)

    active: dict[str, tuple[Any, list[str]]] = {}
    for member in members:
        roles = [r for r in member.get("roles", []) if isinstance(r, str)]
        role = context_role(roles)
        status = str(member.get("status") or "Active")
        if role is None or status.lower() != "active":
            continue
        active[str(member["user_id"])[:255]] = (member, roles)

    users = _users_by_sub(platform.issuer, list(active))
    existing = {
        m.user_id: m
        for m in db.session.scalars(select(Membership).where(Membership.context_pk == context.id))
    }
    created = added = updated = 0
    on_roster: set[int] = set()
    for sub, (member, _roles) in active.items():
        user = users.get(sub)
        if user is None:
            user = users[sub] = User(platform_id=platform.id, issuer=platform.issuer, sub=sub)
            db.session.add(user)
            created += 1
        for attr in _PROFILE:
            value = _text(member.get(attr))
            if value:
                setattr(user, attr, value)
    db.session.flush()
    for sub, (_member, roles) in active.items():
        user = users[sub]
        on_roster.add(user.id)
        role = context_role(roles)
        assert role is not None
        membership = existing.get(user.id)
        if membership is None:
            db.session.add(
                Membership(
                    context_pk=context.id,
                    user_id=user.id,
                    role=role.value,
                    lti_roles=" ".join(roles)[:2000],
                    source="roster",
                    is_active=True,
                    has_launched=False,
                )
            )
            added += 1
        elif membership.role != role.value or not membership.is_active:
            if membership.source == "roster":
                membership.lti_roles = " ".join(roles)[:2000]
            membership.role = role.value
            membership.is_active = True
            updated += 1
    deactivated = 0
    for user_id, membership in existing.items():
        if user_id in on_roster or not membership.is_active:
            continue
        if is_admin_role(membership.lti_roles.split()):
            continue  # site administrators launch without being enrolled
        membership.is_active = False
        deactivated += 1
    context.roster_synced_at = utcnow()
    db.session.flush()
    return RosterSyncResult(
        context_pk,
        members=len(active),
        users_created=created,
        memberships_added=added,
        memberships_updated=updated,
        deactivated=deactivated,
        pages=pages,
    )


def _users_by_sub(issuer: str, subs: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(subs), 500):
        chunk = subs[start : start + 500]
        for user in db.session.scalars(
            select(User).where(User.issuer == issuer, User.sub.in_(chunk))
        ):
            found[user.sub] = user
    return found


def roster_due(context: LmsContext) -> bool:
    """True when the roster was never synced or is older than NRPS_SYNC_MINUTES."""
    minutes = int(current_app.config.get("NRPS_SYNC_MINUTES", 15))
    synced = context.roster_synced_at
    return synced is None or synced + timedelta(minutes=minutes) <= utcnow()


def sync_after_launch(context_pk: int | None) -> bool:
    """After a trainer's launch: sync the roster once the response is sent, at most every
    NRPS_SYNC_MINUTES per context (failures too). Never raises; returns whether it was scheduled."""
    try:
        if context_pk is None or not has_request_context():
            return False
        context = db.session.get(LmsContext, context_pk)
        if context is None or not context.memberships_url or not roster_due(context):
            return False
        minutes = int(current_app.config.get("NRPS_SYNC_MINUTES", 15))
        if not cache.add(f"nrps-attempt:{context_pk}", 1, timeout=max(60, minutes * 60)):
            return False  # tried recently
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def _attach(response: Any) -> Any:
            response.call_on_close(lambda: _sync_in_background(app, context_pk))
            return response

        after_this_request(_attach)
        return True
    except Exception:
        log.exception(
            "could not schedule the roster sync", extra={"data": {"context_pk": context_pk}}
        )
        return False


def _sync_in_background(app: Flask, context_pk: int) -> None:
    try:
        with app.app_context():
            result = sync_roster(context_pk)
            db.session.commit()
            log.info("roster synced after launch", extra={"data": result.__dict__})
    except Exception:
        log.exception("roster sync after launch failed", extra={"data": {"context_pk": context_pk}})
