"""The menu per role; entries whose endpoint is not registered are skipped."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l

from lms_plugin.accounts.current import current_launch
from lms_plugin.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    roles: tuple[Role, ...]


ITEMS = (
    NavItem("progress.dashboard", _l("My progress"), (Role.TRAINEE,)),
    NavItem("courses.course_home", _l("Course"), (Role.TRAINEE, Role.TRAINER)),
    NavItem("courses.materials", _l("Materials"), (Role.TRAINEE, Role.TRAINER)),
    NavItem("grading.my_submissions", _l("My assignments"), (Role.TRAINEE,)),
    NavItem("live.index", _l("Live sessions"), (Role.TRAINEE, Role.TRAINER)),
    NavItem("certification.mine", _l("Certificate"), (Role.TRAINEE,)),
    NavItem("evaluation.index", _l("Course evaluation"), (Role.TRAINEE,)),
    NavItem("coordination.mentor_view", _l("My placements"), (Role.TRAINEE,)),
    NavItem("progress.cohort", _l("Trainees"), (Role.TRAINER,)),
    NavItem("grading.queue", _l("Grading"), (Role.TRAINER,)),
    NavItem("evaluation.cohort", _l("Course evaluation"), (Role.TRAINER,)),
    NavItem("coordination.dashboard", _l("Coverage"), (Role.COORDINATOR,)),
    NavItem("coordination.schools", _l("Schools"), (Role.COORDINATOR,)),
    NavItem("coordination.mentors", _l("Mentors"), (Role.COORDINATOR,)),
    NavItem("coordination.helpers", _l("Peer helpers"), (Role.COORDINATOR,)),
    NavItem("certification.register", _l("Certificates"), (Role.COORDINATOR,)),
    NavItem("service.outcomes_dashboard", _l("Outcomes"), (Role.COORDINATOR,)),
    NavItem("admin.platforms", _l("Platforms"), (Role.ADMIN,)),
    NavItem("admin.coordinators", _l("Coordinators"), (Role.ADMIN,)),
)


ROLE_LABELS = {
    Role.TRAINEE: _l("trainee"),
    Role.TRAINER: _l("trainer"),
    Role.COORDINATOR: _l("coordinator"),
    Role.ADMIN: _l("administrator"),
}


def role_label(role: Role | str) -> str:
    """The role's name in the page's language (`trainee` → `résztvevő`)."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return str(role)


def nav_items() -> list[tuple[str, object]]:
    """(url, label) pairs for the current user's role."""
    launch = current_launch()
    if launch is None:
        return []
    roles = {launch.role}
    if launch.is_coordinator:
        roles.add(Role.COORDINATOR)
    if launch.role == Role.ADMIN:
        roles |= {Role.TRAINER, Role.COORDINATOR}
    endpoints = current_app.view_functions
    return [
        (url_for(item.endpoint), item.label)
        for item in ITEMS
        if item.endpoint in endpoints and roles & set(item.roles)
    ]


def register(app: Flask) -> None:
    """Expose nav_items() and role_label() to templates."""
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["has_endpoint"] = has_endpoint


def has_endpoint(name: str) -> bool:
    """Templates link to another feature's page only when that feature is installed."""
    return name in current_app.view_functions
