"""What each role's home page shows: a few numbers and the next thing to do, read in few queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from lms_plugin.accounts.current import CurrentLaunch
from lms_plugin.accounts.models import Membership, Role, User
from lms_plugin.db import db


@dataclass(frozen=True)
class TraineeHome:
    """Continue where you left off, how far you are, and the certificate."""

    course: Any  # courses.content.Course
    progress: Any  # progress.services.CourseProgress
    modules_done: int
    modules_total: int
    certificate: Any | None  # certification.models.Certificate
    certificate_state: str | None  # "valid" | "expired" | "revoked"
    missing: tuple[Any, ...] = ()  # main.missing.Missing: what the certificate still needs


@dataclass(frozen=True)
class TrainerHome:
    """How many submissions wait for marking, and how many trainees are in the course."""

    to_grade: int
    trainees: int


@dataclass(frozen=True)
class CoordinatorHome:
    """The size of the programme at a glance."""

    schools: int
    mentors: int
    placements: int
    helpers: int


@dataclass(frozen=True)
class AdminHome:
    """Registered platforms and coordinators."""

    platforms: int
    active_platforms: int
    coordinators: int


def _main_course() -> Any | None:
    from lms_plugin.courses.content import all_courses

    courses = all_courses()
    return courses[0] if courses else None


def trainee_home(user_id: int) -> TraineeHome | None:
    """The trainee's summary of the programme's course, or None when no course is loaded."""
    from lms_plugin.certification.missing import missing_requirements
    from lms_plugin.certification.services import certificate_state, latest_certificate
    from lms_plugin.progress.services import course_progress

    course = _main_course()
    if course is None:
        return None
    progress = course_progress(user_id, course)
    core = [m for m in progress.modules if course.module(m.module_id).kind != "refresher"]
    cert = latest_certificate(user_id, course.id)
    state = certificate_state(cert) if cert else None
    return TraineeHome(
        course=course,
        progress=progress,
        modules_done=sum(1 for m in core if m.status == "complete"),
        modules_total=len(core),
        certificate=cert,
        certificate_state=state,
        missing=() if state == "valid" else tuple(missing_requirements(user_id, course, progress)),
    )


def trainer_home(context_pk: int | None) -> TrainerHome:
    """Submissions of this course waiting for a released grade, and its trainees."""
    from lms_plugin.grading.models import SUBMITTED, Submission

    if context_pk is None:
        return TrainerHome(to_grade=0, trainees=0)
    to_grade = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.context_pk == context_pk, Submission.state == SUBMITTED
        )
    )
    trainees = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.context_pk == context_pk,
            Membership.role == Role.TRAINEE.value,
            Membership.is_active.is_(True),
        )
    )
    return TrainerHome(to_grade=int(to_grade or 0), trainees=int(trainees or 0))


def coordinator_home() -> CoordinatorHome:
    """Counts across the programme (schools, mentors in the pool, active placements, helpers)."""
    from lms_plugin.coordination.models import MentorProfile, PeerHelper, Placement, School

    def count(column: Any, *where: Any) -> int:
        return int(db.session.scalar(select(func.count(column)).where(*where)) or 0)

    return CoordinatorHome(
        schools=count(School.id),
        mentors=count(MentorProfile.id),
        placements=count(Placement.id, Placement.ended_at.is_(None)),
        helpers=count(PeerHelper.id),
    )


def admin_home() -> AdminHome:
    """Platform registrations and people with coordinator rights."""
    from lms_plugin.lti.models import Platform

    total, active = db.session.execute(
        select(func.count(Platform.id), func.count(Platform.id).filter(Platform.is_active))
    ).one()
    coordinators = db.session.scalar(
        select(func.count(User.id)).where(User.is_coordinator.is_(True))
    )
    return AdminHome(
        platforms=int(total or 0),
        active_platforms=int(active or 0),
        coordinators=int(coordinators or 0),
    )


def home_for(launch: CurrentLaunch | None) -> dict[str, Any]:
    """The template context of the home page for this visitor."""
    if launch is None:
        return {"practice_enabled": bool(current_app.config.get("PRACTICE_LMS_ENABLED"))}
    context: dict[str, Any] = {}
    if launch.role == Role.TRAINEE:
        context["trainee"] = trainee_home(launch.user.id)
    if launch.is_trainer:
        context["trainer"] = trainer_home(launch.context_pk)
    if launch.is_coordinator:
        context["coordinator"] = coordinator_home()
    if launch.role == Role.ADMIN:
        context["admin"] = admin_home()
    return context
