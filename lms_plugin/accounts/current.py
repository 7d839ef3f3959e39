"""The launch a user is working in (stored in the session) and role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import abort, g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user

from lms_plugin.accounts.models import LmsContext, Role, User
from lms_plugin.db import db
from lms_plugin.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")
SESSION_KEY = "launch"
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
        return db.session.get(LmsContext, self.context_pk) if self.context_pk else None

    @property
    def is_trainer(self) -> bool:
        return self.role in (Role.TRAINER, Role.ADMIN)

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN) or bool(self.user.is_coordinator)


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
    """Log the user in for this launch; a new launch replaces the previous one."""
    session.clear()
    login_user(user)
    session.permanent = True
    session[SESSION_KEY] = {
        "role": role.value,
        "context_pk": context_pk,
        "resource_link_pk": resource_link_pk,
        "target": target,
    }
    if locale:
        session["launch_locale"] = locale


def end_session() -> None:
    """Forget the launch and log out."""
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
        if role == Role.TRAINEE and user.is_coordinator:
            role = Role.COORDINATOR
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
