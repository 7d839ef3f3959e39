"""Register platforms and deployments, grant coordinator rights (services: flush only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.db import db
from lms_plugin.errors import Conflict, DomainError, NotFound
from lms_plugin.lti import frame_ancestors, platform_keys
from lms_plugin.lti.models import Deployment, Platform


def _check_url(name: str, url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(f"{name} must be an http(s) URL, got {url!r}")
    return url.strip()


def add_platform(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_url: str,
    token_url: str,
    jwks_url: str,
    name: str = "",
    registered_via: str = "manual",
) -> tuple[Platform, Deployment]:
    """Add (or re-activate and update) issuer + client_id, and add the deployment to it."""
    issuer = _check_url("The issuer (platform ID)", issuer)  # exact: iss is compared verbatim
    client_id, deployment_id = client_id.strip(), deployment_id.strip()
    if not client_id or not deployment_id:
        raise DomainError("client_id and deployment_id are required")
    platform = db.session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if platform is None:
        platform = Platform(issuer=issuer, client_id=client_id)
        db.session.add(platform)
    platform.name = name or platform.name or issuer
    platform.auth_login_url = _check_url("The authentication request URL", auth_url)
    platform.auth_token_url = _check_url("The access token URL", token_url)
    platform.key_set_url = _check_url("The public keyset URL", jwks_url)
    platform.registered_via = registered_via
    platform.is_active = True
    db.session.flush()
    deployment = db.session.scalar(
        select(Deployment).where(
            Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
        )
    )
    if deployment is None:
        deployment = Deployment(platform_id=platform.id, deployment_id=deployment_id)
        db.session.add(deployment)
        db.session.flush()
    frame_ancestors.forget()
    platform_keys.forget(platform.key_set_url)
    return platform, deployment


def list_platforms() -> list[Platform]:
    """Every registration, newest last, deployments loaded."""
    return list(db.session.scalars(select(Platform).order_by(Platform.issuer, Platform.client_id)))


def get_platform(issuer: str, client_id: str) -> Platform:
    platform = db.session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if platform is None:
        raise NotFound(f"No platform with issuer {issuer!r} and client_id {client_id!r}.")
    return platform


def set_active(platform: Platform, active: bool) -> None:
    """Deactivated platforms cannot launch; their users and data stay."""
    platform.is_active = active
    db.session.flush()
    frame_ancestors.forget()


def remove_deployment(platform: Platform, deployment_id: str) -> None:
    """Remove one deployment; the platform stays."""
    for deployment in list(platform.deployments):
        if deployment.deployment_id == deployment_id:
            platform.deployments.remove(deployment)
            db.session.flush()
            return
    raise NotFound(f"Deployment {deployment_id!r} is not registered for this platform.")


def remove_platform(platform: Platform) -> None:
    """Delete a registration with its deployments (and, by cascade, its users' data)."""
    db.session.delete(platform)
    db.session.flush()
    frame_ancestors.forget()


def users_of(issuer: str, sub: str) -> list[User]:
    """The user `sub` on every registration of `issuer`."""
    return list(
        db.session.scalars(
            select(User).join(Platform).where(Platform.issuer == issuer, User.sub == sub)
        )
    )


def set_coordinator(issuer: str, sub: str, granted: bool) -> list[User]:
    """Grant or revoke coordinator rights for a person of a platform (all its client_ids)."""
    users = users_of(issuer, sub)
    if not users and granted:
        platforms = db.session.scalars(select(Platform).where(Platform.issuer == issuer)).all()
        if not platforms:
            raise NotFound(f"No platform with issuer {issuer!r} is registered.")
        # Not launched yet: create the identity so the rights apply at the first launch.
        users = [User(platform_id=p.id, sub=sub) for p in platforms]
        db.session.add_all(users)
    if not users:
        raise NotFound(f"Nobody with user id {sub!r} has launched the tool from {issuer!r}.")
    for user in users:
        user.is_coordinator = granted
    db.session.flush()
    return users


def grant_coordinator_to(user: User) -> None:
    user.is_coordinator = True
    db.session.flush()


def revoke_coordinator_from(user: User) -> None:
    if not user.is_coordinator:
        raise Conflict("This person is not a coordinator.")
    user.is_coordinator = False
    db.session.flush()
