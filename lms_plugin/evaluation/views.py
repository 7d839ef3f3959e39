"""Evaluation pages: the trainee's self-assessments and survey; the trainer's summaries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import (
    CurrentLaunch,
    current_launch,
    login_required,
    require_launch,
    roles_required,
)
from lms_plugin.accounts.models import LmsContext, Membership, Role, User
from lms_plugin.accounts.tenants import manages
from lms_plugin.courses.content import Course, all_courses
from lms_plugin.db import db
from lms_plugin.errors import Conflict, DomainError
from lms_plugin.evaluation import reports, services, survey
from lms_plugin.evaluation.inputs import parse_ratings, parse_survey
from lms_plugin.evaluation.models import ENTRY, EXIT

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")


def _course() -> Course:
    """The programme's course, when it declares an evaluation."""
    courses = all_courses()
    if not courses or courses[0].evaluation is None:
        abort(404)
    return courses[0]


@bp.get("/")
@login_required
def index() -> str:
    """Where the trainee stands: entry, exit, survey, and entry against exit per statement."""
    launch = require_launch()
    course = _course()
    assert course.evaluation is not None  # _course() answers 404 otherwise
    fmt = course.evaluation.self_assessment
    end = services.course_end_reached(launch.user.id, course)
    found = services.assessments(launch.user.id, course.id)
    return render_template(
        "evaluation/index.html",
        course=course,
        fmt=fmt,
        has_survey=course.evaluation.survey is not None,
        entry=services.phase_state(launch.user.id, course, ENTRY, end),
        exit=services.phase_state(launch.user.id, course, EXIT, end),
        survey_done=survey.has_answered(launch.user.id, course.id),
        survey_open=end,
        changes=services.compare(fmt, found) if fmt else [],
        has_both=ENTRY in found and EXIT in found,
    )


@bp.route("/self-assessment/<any(entry, exit):phase>", methods=["GET", "POST"])
@login_required
def self_assessment(phase: str) -> str | WerkzeugResponse | tuple[str, int]:
    """The statements on the course's scale; sent once per phase."""
    launch = require_launch()
    course = _course()
    fmt = services.assessment_format(course)
    state = services.phase_state(launch.user.id, course, phase)
    missing: list[str] = []
    ratings: dict[str, int] = {}
    if request.method == "POST":
        ids = tuple(s.id for s in fmt.statements)
        ratings, missing = parse_ratings(request.form, ids, fmt.values)
        if not missing:
            try:
                services.submit_self_assessment(launch.user.id, course, phase, ratings)
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                raise Conflict(_("You have already filled this in.")) from None
            flash(_("Thank you, your self-assessment is saved."), "success")
            return redirect(url_for("evaluation.index"))
    page = render_template(
        "evaluation/self_assessment.html",
        course=course,
        fmt=fmt,
        phase=phase,
        state=state,
        ratings=ratings,
        missing=missing,
    )
    return (page, 400) if missing else page


@bp.route("/survey", methods=["GET", "POST"])
@login_required
def survey_form() -> str | WerkzeugResponse | tuple[str, int]:
    """The anonymous satisfaction survey, once per trainee, after the last module."""
    launch = require_launch()
    course = _course()
    fmt = survey.survey_format(course)
    done = survey.has_answered(launch.user.id, course.id)
    is_open = services.course_end_reached(launch.user.id, course)
    missing: list[str] = []
    answers: dict[str, int | str] = {}
    if request.method == "POST":
        if done:
            raise Conflict(_("You have already answered the survey. Thank you!"))
        if not is_open:
            raise Conflict(_("The survey opens when you complete the lessons of the last module."))
        answers, missing = parse_survey(
            request.form,
            tuple(q.id for q in fmt.scale_questions),
            tuple(q.id for q in fmt.text_questions),
            fmt.values,
        )
        if not missing:
            try:
                survey.submit_survey(launch.user.id, course, launch.context_pk, answers)
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                raise Conflict(_("You have already answered the survey. Thank you!")) from None
            flash(_("Thank you for your feedback. Your answers are stored anonymously."), "success")
            return redirect(url_for("evaluation.index"))
    page = render_template(
        "evaluation/survey.html",
        course=course,
        fmt=fmt,
        done=done,
        is_open=is_open,
        answers=answers,
        missing=missing,
    )
    return (page, 400) if missing else page


def _context_of(launch: CurrentLaunch) -> int:
    if launch.context_pk is None:
        raise DomainError(_("Open this page from a Moodle course."), status_code=400)
    return launch.context_pk


@bp.get("/cohort")
@roles_required(Role.TRAINER)
def cohort() -> str:
    """Per trainee of the course and per statement: entry, exit and the average change."""
    launch = require_launch()
    course = _course()
    context_pk = _context_of(launch)
    assert course.evaluation is not None  # _course() answers 404 otherwise
    fmt = course.evaluation.self_assessment
    return render_template(
        "evaluation/cohort.html",
        course=course,
        fmt=fmt,
        comparison=reports.cohort_comparison(course, context_pk) if fmt else None,
    )


@bp.get("/trainee/<int:user_id>")
@roles_required(Role.TRAINER)
def trainee(user_id: int) -> str:
    """One trainee of the trainer's course: entry against exit per statement."""
    launch = require_launch()
    course = _course()
    member = db.session.scalar(
        select(Membership.id).where(
            Membership.context_pk == _context_of(launch),
            Membership.user_id == user_id,
            Membership.role == Role.TRAINEE.value,
        )
    )
    person = db.session.get(User, user_id) if member else None
    if person is None:
        abort(404)
    fmt = services.assessment_format(course)
    found = services.assessments(user_id, course.id)
    return render_template(
        "evaluation/trainee.html",
        course=course,
        fmt=fmt,
        trainee=person,
        changes=services.compare(fmt, found),
        found=found,
    )


def _survey_group(launch: CurrentLaunch) -> LmsContext:
    """The launch's course; an administrator may name another course of their own tenant."""
    wanted = request.args.get("context", "").strip()
    if wanted and launch.role == Role.ADMIN:
        if not wanted.isdigit() or len(wanted) > 12:
            abort(404)
        context = db.session.get(LmsContext, int(wanted))
        issuer = _issuer_of(context) if context else None
        if context is None or not manages(launch.user, launch.role, issuer):
            abort(404)  # another tenant's course does not exist for this viewer
        return context
    if wanted and wanted != str(launch.context_pk):
        abort(404)
    context = db.session.get(LmsContext, _context_of(launch))
    if context is None:
        abort(404)
    return context


def _issuer_of(context: LmsContext) -> str | None:
    from lms_plugin.lti.models import Platform

    platform = db.session.get(Platform, context.platform_id)
    return platform.issuer if platform else None


@bp.get("/survey/results")
@roles_required(Role.TRAINER)
def survey_results() -> str:
    """Aggregates of the trainer's course; hidden below the group minimum."""
    launch = require_launch()
    course = _course()
    context = _survey_group(launch)
    return render_template(
        "evaluation/survey_results.html",
        course=course,
        fmt=survey.survey_format(course),
        context=context,
        results=survey.survey_results(course, context.id),
    )


def evaluation_prompt() -> dict[str, Any] | None:
    """What the trainee's home page asks for next (entry, exit or survey), or None."""
    launch = current_launch()
    if launch is None or launch.role != Role.TRAINEE:
        return None
    courses = all_courses()
    course = courses[0] if courses else None
    if course is None or course.evaluation is None:
        return None
    user_id = launch.user.id
    end = services.course_end_reached(user_id, course)
    if course.evaluation.self_assessment:
        for phase in (ENTRY, EXIT):
            if services.phase_state(user_id, course, phase, end).open:
                return {"kind": phase, "url": url_for("evaluation.self_assessment", phase=phase)}
    if course.evaluation.survey and end and not survey.has_answered(user_id, course.id):
        return {"kind": "survey", "url": url_for("evaluation.survey_form")}
    return None


@bp.app_context_processor
def _inject() -> dict[str, Any]:
    return {"evaluation_prompt": evaluation_prompt}
