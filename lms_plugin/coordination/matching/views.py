"""Pages for the automatic matcher: run (a background job, with its progress), review per school,
move or unassign, publish."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.coordination import confirm
from lms_plugin.coordination.matching import jobs as matcher_jobs
from lms_plugin.coordination.matching import services as matching
from lms_plugin.coordination.matching.review import run_summary, school_review
from lms_plugin.coordination.mentors import services as mentors
from lms_plugin.coordination.models import MatchRun
from lms_plugin.coordination.organisation import services as org
from lms_plugin.coordination.peer_helpers import linking
from lms_plugin.coordination.peer_helpers import services as peer_helpers
from lms_plugin.coordination.scope import current_scope
from lms_plugin.coordination.web import actor, bp, int_arg, programme_in_view
from lms_plugin.db import db
from lms_plugin.errors import DomainError, Forbidden, NotFound
from lms_plugin.jobs.models import DONE, Job
from lms_plugin.jobs.texts import title_of
from lms_plugin.jobs.views import state_of


def _whole(programme_id: int) -> None:
    """The matcher works on a whole programme: only its coordinators (or admins) may run it."""
    scope = current_scope()
    if not scope.sees_programme(programme_id):
        raise NotFound(_("This programme does not exist."))
    if scope.centres_of(programme_id) is not None:
        raise Forbidden(_("Only a coordinator of the whole programme can run the matcher."))


def _run(run_id: int) -> MatchRun:
    run = matching.get_run(run_id)
    _whole(run.programme_id)
    return run


@bp.post("/match")
@roles_required(Role.COORDINATOR)
def match_run() -> WerkzeugResponse:
    """Queue the matcher for the programme (drafts); a run already under way is shown instead."""
    programme = programme_in_view()
    if programme is None:
        raise DomainError(_("Create a programme first."), status_code=409)
    _whole(programme.id)
    job, queued = matcher_jobs.start(programme, actor())
    if not queued:
        flash(_("The matcher is already running for this programme; here is its progress."), "info")
    return redirect(url_for("coordination.match_progress", job_id=job.id), code=303)


def _matcher_job(job_id: int) -> Job:
    """A matcher job, for any coordinator of its whole programme (not only who started it)."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != matcher_jobs.MATCH_KIND:
        raise NotFound(_("This matcher run does not exist, or it has expired."))
    _whole(int(job.params["programme_id"]))
    return job


@bp.get("/match/job/<int:job_id>")
@roles_required(Role.COORDINATOR)
def match_progress(job_id: int) -> str | WerkzeugResponse:
    """The matcher's progress (static/js/jobs.js polls); a finished run opens its review."""
    job = _matcher_job(job_id)
    if job.status == DONE and job.result_url:
        return redirect(job.result_url, code=303)
    return render_template(
        "jobs/status.html",
        job=job,
        state=_progress_state(job),
        title=title_of(job),
        announced=True,
        follow_result=True,
    )


@bp.get("/match/job/<int:job_id>.json")
@roles_required(Role.COORDINATOR)
def match_progress_json(job_id: int) -> Response:
    return jsonify(_progress_state(_matcher_job(job_id)))


def _progress_state(job: Job) -> dict[str, object]:
    state = state_of(job)
    state["status_url"] = url_for("coordination.match_progress_json", job_id=job.id)
    return state


@bp.get("/match/<int:run_id>")
@roles_required(Role.COORDINATOR)
def match_review(run_id: int) -> str:
    """The run per school; choosing a school shows its helpers (audited) with edit controls."""
    run = _run(run_id)
    school_id = int_arg("school")
    lines = school_review(run, school_id, actor()) if school_id else []
    page = render_template(
        "coordination/match_run.html",
        run=run,
        summary=run_summary(run),
        school=org.get_school(school_id) if school_id else None,
        lines=lines,
        choices=linking.mentor_choices(school_id) if school_id else [],
    )
    db.session.commit()
    return page


@bp.post("/match/<int:run_id>/move")
@roles_required(Role.COORDINATOR)
def match_move(run_id: int) -> WerkzeugResponse:
    """Give a helper another mentor in the draft, or unassign them."""
    run = _run(run_id)
    helper = peer_helpers.get_helper(int_arg("helper_id", request.form) or 0)
    if helper.school.programme_id != run.programme_id:
        raise NotFound(_("This peer helper does not exist."))
    mentor_id = int_arg("mentor_id", request.form)
    mentor = mentors.get_mentor(mentor_id) if mentor_id else None
    if mentor is not None and not current_scope().sees_mentor(mentor.id):
        raise NotFound(_("This mentor does not exist."))
    matching.move(run, helper, mentor, actor())
    db.session.commit()
    flash(_("Draft changed."), "success")
    return redirect(url_for("coordination.match_review", run_id=run.id, school=helper.school_id))


@bp.post("/match/<int:run_id>/publish")
@roles_required(Role.COORDINATOR)
def match_publish(run_id: int) -> WerkzeugResponse:
    run = _run(run_id)
    count = matching.publish(run, actor())
    db.session.commit()
    flash(_("Published %(n)s links; mentors now see their helpers.", n=count), "success")
    return redirect(url_for("coordination.match_review", run_id=run.id))


@bp.post("/match/<int:run_id>/discard")
@roles_required(Role.COORDINATOR)
def match_discard(run_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Throw the run's proposal away (after a confirmation that counts what is lost)."""
    run = _run(run_id)
    if not confirm.confirmed():
        drafts = matching.draft_count(run)
        return confirm.ask(
            _("Discard this proposal?"),
            _("Discard the proposal"),
            [
                _(
                    "The %(n)s proposed links are deleted; those helpers wait for a mentor again.",
                    n=drafts,
                ),
                _("Links already published are not touched."),
            ],
            url_for("coordination.match_review", run_id=run.id),
        )
    matching.discard(run)
    db.session.commit()
    flash(_("Proposal discarded."), "success")
    return redirect(url_for("coordination.helpers", programme=run.programme_id))
