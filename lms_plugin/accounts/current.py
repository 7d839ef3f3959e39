"""The launch a user is working in (stored in the session) and role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import abort, g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user

from lms_plugin import request_cache
from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.db import db
from lms_plugin.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")
SESSION_KEY = "launch"
VERSION_KEY = "sv"  # the user's session_version when the session started
CSRF_KEY = "csrf_token"  # where Flask-WTF keeps the session's CSRF secret
CACHE_KEY = "lms_plugin.current_launch"  # per request, in the WSGI environ


@dataclass(frozen=True)
class CurrentLaunch:
    """Who is here, in which course, with which role, sent to which target."""

    user: User
    role: Role
    context_pk: int | None
    resource_link_pk: int | None
    target: str

    @property
    def context(self) -> LmsContext | None:
        if not self.context_pk:
            return None
        pk = self.context_pk  # kept for the request: the identity map holds it only weakly
        return request_cache.once(("context", pk), lambda: db.session.get(LmsContext, pk))

    @property
    def is_trainer(self) -> bool:
        return self.role in (Role.TRAINER, Role.ADMIN)

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN) or bool(self.user.is_coordinator)

    @property
    def is_tool_admin(self) -> bool:
        """Manages every tenant (a flag granted on the command line, read from the database)."""
        return self.role == Role.ADMIN and bool(self.user.is_tool_admin)

    @property
    def tenant(self) -> str | None:
        """The issuer of the platform the user came from: the tenant they belong to."""
        from lms_plugin.accounts.tenants import tenant_of

        return tenant_of(self.user)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except ValueError:
        return None


def start_session(
    user: User,
    role: Role,
    *,
    context_pk: int | None,
    resource_link_pk: int | None,
    target: str,
    locale: str | None,
) -> None:
    """Log the user in for this launch; a new launch replaces the previous one.

    A new launch of the same user (another tab, another activity) keeps the session's CSRF secret,
    so forms open in other tabs can still be sent; another user's launch starts from nothing.
    """
    csrf_secret = session.get(CSRF_KEY) if _same_valid_user(user) else None
    session.clear()
    login_user(user)
    session.permanent = True
    session[VERSION_KEY] = user.session_version or 0
    if csrf_secret:
        session[CSRF_KEY] = csrf_secret
    session[SESSION_KEY] = {
        "role": role.value,
        "context_pk": context_pk,
        "resource_link_pk": resource_link_pk,
        "target": target,
    }
    if locale:
        session["launch_locale"] = locale


def _same_valid_user(user: User) -> bool:
    """True when the session already belongs to `user` and has not been ended server-side."""
    return session.get("_user_id") == str(user.id) and _version_ok(user)


def _version_ok(user: User) -> bool:
    stored = session.get(VERSION_KEY, 0)
    return isinstance(stored, int) and stored == (user.session_version or 0)


def end_all_sessions(user: User) -> None:
    """End every session of `user` on their next request (flush; the caller commits)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def end_session() -> None:
    """Forget the launch and log out; copies of the cookie stop working too."""
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        if _version_ok(user):
            end_all_sessions(user)
            db.session.commit()
    logout_user()
    session.clear()


def current_launch() -> CurrentLaunch | None:
    """The launch of this session, or None for anonymous visitors."""
    cache = request.environ if has_request_context() else {}
    if CACHE_KEY in cache:
        found: CurrentLaunch | None = cache[CACHE_KEY]
        return found
    launch = None
    data = session.get(SESSION_KEY)
    if current_user.is_authenticated and isinstance(data, dict):
        try:
            role = Role(data["role"])
        except (KeyError, ValueError):
            role = Role.TRAINEE
        user: User = current_user._get_current_object()
        # The user row is loaded from the database on every request (Flask-Login's loader), so
        # the version and rights below are the current ones, not those of the launch.
        if not _version_ok(user):
            # Logged out or revoked elsewhere: this cookie (or a copy of it) is dead.
            logout_user()
            session.clear()
            cache[CACHE_KEY] = None
            return None
        role = effective_role(user, role)
        launch = CurrentLaunch(
            user=user,
            role=role,
            context_pk=data.get("context_pk"),
            resource_link_pk=data.get("resource_link_pk"),
            target=str(data.get("target") or "home"),
        )
        g.log_user_id = user.id
    cache[CACHE_KEY] = launch
    return launch


def effective_role(user: User, launched: Role) -> Role:
    """The role this request acts with: the launch's role, corrected by the rights in the database.

    Coordinator rights are the tool's own (User.is_coordinator): granted, a trainee acts as a
    coordinator; revoked, a coordinator session falls back to trainee at once.
    """
    if launched == Role.ADMIN:
        return Role.ADMIN
    if launched == Role.COORDINATOR and not user.is_coordinator:
        return Role.TRAINEE
    if launched == Role.TRAINEE and user.is_coordinator:
        return Role.COORDINATOR
    return launched


def require_launch() -> CurrentLaunch:
    """The current launch, or 401 (the error page tells the user to open the tool from Moodle)."""
    launch = current_launch()
    if launch is None:
        abort(401)
    return launch


def roles_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """View decorator: the session's role must be one of `roles` (admin always passes)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            launch = require_launch()
            allowed = launch.role in roles or launch.role == Role.ADMIN
            if Role.COORDINATOR in roles and launch.is_coordinator:
                allowed = True
            if not allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """View decorator: any launched user."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        require_launch()
        return view(*args, **kwargs)

    return wrapped


def template_globals() -> dict[str, Any]:
    """`launch` in every template."""
    return {"launch": current_launch()}
