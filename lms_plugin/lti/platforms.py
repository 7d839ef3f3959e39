"""Register platforms and deployments, grant coordinator rights (services: flush only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.db import db, utcnow
from lms_plugin.errors import Conflict, DomainError, NotFound
from lms_plugin.lti import frame_ancestors, platform_keys
from lms_plugin.lti.http import configured_origins, origin_of
from lms_plugin.lti.models import Deployment, Platform


def _check_url(name: str, url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(f"{name} must be an http(s) URL, got {url!r}")
    return url.strip()


def extra_origins() -> set[str]:
    """Origins the operator allows for any platform's endpoints (LTI_OUTBOUND_ALLOWED_ORIGINS)."""
    return configured_origins("LTI_OUTBOUND_ALLOWED_ORIGINS")


def on_issuer_site(issuer: str, url: str) -> bool:
    """Is `url` on the issuer's own origin (or an origin the operator allowed)?"""
    origin = origin_of(url)
    return origin is not None and (origin == origin_of(issuer) or origin in extra_origins())


def check_consistent(issuer: str, **urls: str) -> None:
    """Every endpoint of a platform lives on its issuer's site (or an origin the operator allowed):
    the tool signs client assertions for, and sends its tokens to, these addresses only."""
    for name, url in urls.items():
        if not on_issuer_site(issuer, url):
            raise DomainError(
                f"The {name} {url!r} is not on the platform's own site ({origin_of(issuer)}). "
                "If that is right, the tool's operator can allow its origin with "
                "LTI_OUTBOUND_ALLOWED_ORIGINS."
            )


def platform_origins(platform: Platform) -> set[str]:
    """The origins the tool calls for this platform: its issuer's, and those of its login and
    token URLs when they are consistent with the issuer (see check_consistent)."""
    origins = {o for o in (origin_of(platform.issuer),) if o}
    for url in (platform.auth_login_url, platform.auth_token_url):
        origin = origin_of(url)
        if origin and on_issuer_site(platform.issuer, url):
            origins.add(origin)
    return origins


def token_audience(platform: Platform) -> str:
    """The client assertion's `aud`: the stored authorization server when it is on the issuer's
    site (never one a registration chose elsewhere), else the token URL."""
    audience = platform.auth_audience
    if audience and on_issuer_site(platform.issuer, audience):
        return audience
    return platform.auth_token_url


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
    """Add (or update) issuer + client_id by hand, and add the deployment to it.

    A new registration is active at once (a tool administrator or the operator typed it); an
    existing one keeps its state: a deactivated platform is re-activated only by its button.
    """
    issuer = _check_url("The issuer (platform ID)", issuer)  # exact: iss is compared verbatim
    client_id, deployment_id = client_id.strip(), deployment_id.strip()
    if not client_id or not deployment_id:
        raise DomainError("client_id and deployment_id are required")
    auth_url = _check_url("The authentication request URL", auth_url)
    token_url = _check_url("The access token URL", token_url)
    jwks_url = _check_url("The public keyset URL", jwks_url)
    check_consistent(
        issuer,
        **{
            "authentication request URL": auth_url,
            "access token URL": token_url,
            "public keyset URL": jwks_url,
        },
    )
    platform = db.session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if platform is None:
        platform = Platform(issuer=issuer, client_id=client_id, is_active=True)
        platform.activated_at = utcnow()
        db.session.add(platform)
    platform.name = name or platform.name or issuer
    platform.auth_login_url = auth_url
    platform.auth_token_url = token_url
    platform.key_set_url = jwks_url
    platform.registered_via = registered_via
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
    """Deactivated platforms cannot launch; their users and data stay. Activating a pending
    (self-registered) platform is the tool administrator's approval of it."""
    platform.is_active = active
    if active:
        platform.activated_at = utcnow()
    db.session.flush()
    frame_ancestors.forget()
    platform_keys.forget(platform.key_set_url)


def register_new_platform(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_url: str,
    token_url: str,
    jwks_url: str,
    name: str,
    product: str,
    registration_url: str,
    auth_audience: str | None,
    trusted: bool,
) -> tuple[Platform, Deployment]:
    """A platform that registered itself (LTI Dynamic Registration): always a NEW registration,
    pending unless its origin is trusted. It never changes an existing issuer + client_id, and a
    client_id that another issuer already uses is refused (a client assertion for it could be
    replayed at that issuer)."""
    issuer = _check_url("The issuer (platform ID)", issuer)
    client_id, deployment_id = client_id.strip(), deployment_id.strip()
    if not client_id or not deployment_id:
        raise DomainError("client_id and deployment_id are required")
    check_consistent(
        issuer,
        **{
            "authorization endpoint": _check_url("The authorization endpoint", auth_url),
            "token endpoint": _check_url("The token endpoint", token_url),
            "key set URL": _check_url("The key set URL", jwks_url),
        },
    )
    known = db.session.scalars(select(Platform).where(Platform.client_id == client_id)).all()
    if any(p.issuer == issuer for p in known):
        raise Conflict(
            f"The tool already has a registration for {issuer} with client_id {client_id!r}; "
            "a registration never changes an existing one. A tool administrator can remove "
            "the old registration first."
        )
    if known:
        raise Conflict(
            f"The client_id {client_id!r} already belongs to another platform; "
            "the registration was refused."
        )
    platform = Platform(
        issuer=issuer,
        client_id=client_id,
        name=name or issuer,
        auth_login_url=auth_url,
        auth_token_url=token_url,
        key_set_url=jwks_url,
        auth_audience=auth_audience
        if auth_audience and on_issuer_site(issuer, auth_audience)
        else None,
        registered_via="dynamic",
        is_active=trusted,
        activated_at=utcnow() if trusted else None,
        product=product[:255],
        registration_url=registration_url,
    )
    platform.deployments.append(Deployment(deployment_id=deployment_id))
    db.session.add(platform)
    db.session.flush()
    frame_ancestors.forget()
    return platform, platform.deployments[0]


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
    return list(db.session.scalars(select(User).where(User.issuer == issuer, User.sub == sub)))


def set_coordinator(issuer: str, sub: str, granted: bool) -> list[User]:
    """Grant or revoke coordinator rights for a person of a platform (all its client_ids)."""
    users = users_of(issuer, sub)
    if not users and granted:
        platforms = db.session.scalars(select(Platform).where(Platform.issuer == issuer)).all()
        if not platforms:
            raise NotFound(f"No platform with issuer {issuer!r} is registered.")
        # Not launched yet: create the identity so the rights apply at the first launch.
        users = [User(platform_id=platforms[0].id, issuer=issuer, sub=sub)]
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
