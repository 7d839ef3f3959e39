"""Trainee pages: my assignments, one assignment (brief, rubric, draft, attempts), files."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import login_required, require_launch
from lms_plugin.courses.availability import is_checked, module_availability, require_available
from lms_plugin.courses.content import all_courses, localized
from lms_plugin.db import db
from lms_plugin.errors import DomainError, NotFound
from lms_plugin.grading import files as filestore
from lms_plugin.grading import services, wordcount
from lms_plugin.grading.access import may_view
from lms_plugin.grading.corrections import visible_grade
from lms_plugin.grading.markup import content_language, render_answer, render_brief
from lms_plugin.grading.models import DRAFT, RELEASED, Submission, SubmissionFile
from lms_plugin.input_guard import parse_int

bp = Blueprint("grading", __name__, url_prefix="/grading")


def _open_assignment(launch: Any, assignment_id: str) -> services.Located:
    """The assignment, if its module is open for this trainee (403 "Available when" if not)."""
    located = services.find_assignment(assignment_id)
    if located.assignment.kind == "journal":  # written and submitted on the journal's own pages
        raise NotFound(_("There is no assignment %(id)s.", id=assignment_id))
    require_available(launch, located.course, located.assignment)
    return located


def page(template: str, lang: str, **context: Any) -> str:
    """Render a grading page with `t(texts)` picking the content language."""
    return render_template(template, lang=lang, t=lambda texts: localized(texts, lang), **context)


@bp.get("/my")
@login_required
def my_submissions() -> str:
    """Every assignment of the course with the trainee's state."""
    launch = require_launch()
    items = [
        (c, m, m.assignment) for c in all_courses() for m in c.modules if m.assignment is not None
    ]
    latest = services.states_for(launch.user.id, [a.id for _c, _m, a in items])
    lang = content_language(items[0][0]) if items else "hu"
    available: dict[str, Any] = {}
    if is_checked(launch):
        for course in {c.id: c for c, _m, _a in items}.values():
            for module_id, state in module_availability(launch.user.id, course).items():
                available[f"{course.id}:{module_id}"] = state
    return page(
        "grading/my_submissions.html", lang, items=items, latest=latest, available=available
    )


@bp.get("/assignments/<assignment_id>")
@login_required
def assignment(assignment_id: str) -> str:
    """The brief, the rubric, the draft editor and every attempt with released feedback."""
    launch = require_launch()
    located = _open_assignment(launch, assignment_id)
    lang = content_language(located.course)
    history = list(
        db.session.scalars(
            db.select(Submission)
            .where(Submission.user_id == launch.user.id, Submission.assignment_id == assignment_id)
            .options(selectinload(Submission.files), selectinload(Submission.grade))
            .order_by(Submission.attempt)
        )
    )
    draft = history[-1] if history and history[-1].state == DRAFT else None
    can_start = draft is None and services.can_start_new_attempt(history, located.assignment)
    done = [s for s in history if s.state != DRAFT]
    return page(
        "grading/assignment.html",
        lang,
        length=wordcount.measure(located.assignment, draft.text if draft else ""),
        word_limits_text=word_limits(located.assignment),
        located=located,
        a=located.assignment,
        brief=render_brief(located, lang),
        draft=draft,
        can_edit=draft is not None or can_start,
        next_attempt=(history[-1].attempt + (0 if draft else 1)) if history else 1,
        attempts=list(reversed(done)),
        released=RELEASED,
        visible=visible_grade,
        render_answer=render_answer,
        state=services.assignment_state(launch.user.id, assignment_id),
    )


@bp.post("/assignments/<assignment_id>/draft")
@login_required
def save_draft(assignment_id: str) -> WerkzeugResponse:
    """One form for the draft: keep the text, remove a file, add uploads; then back or to review."""
    launch = require_launch()
    located = _open_assignment(launch, assignment_id)
    draft = services.open_draft(launch.user, launch.context_pk, located)
    target = url_for("grading.assignment", assignment_id=assignment_id, _anchor="draft")
    if "text" in request.form:
        services.save_text(draft, located, request.form.get("text", ""))
    remove = request.form.get("remove", "")
    stale: str | None = None
    remove_id = parse_int(remove)
    if remove_id is not None:
        stale = services.remove_file(draft, remove_id)
    problems: list[str] = []
    added = 0
    for upload in request.files.getlist("files"):
        if not upload or not upload.filename:
            continue
        try:
            services.add_file(draft, located, upload.filename, upload.read())
            added += 1
        except DomainError as err:  # the others (and the text) are kept
            problems.append(err.message)
    db.session.commit()
    if stale:
        filestore.discard(stale)
    for problem in problems:
        flash(problem, "error")
    if request.form.get("action") == "review" and not problems:
        return redirect(url_for("grading.confirm_submit", assignment_id=assignment_id))
    if not problems:
        flash(
            _("Your draft is saved.") if not added else _("Your draft and files are saved."),
            "success",
        )
    return redirect(target)


@bp.get("/assignments/<assignment_id>/submit")
@login_required
def confirm_submit(assignment_id: str) -> str | WerkzeugResponse:
    """What will be submitted, and that it cannot be changed afterwards."""
    launch = require_launch()
    located = _open_assignment(launch, assignment_id)
    history = services.attempts(launch.user.id, assignment_id)
    draft = history[-1] if history and history[-1].state == DRAFT else None
    if draft is None:
        flash(_("There is no draft to submit."), "warning")
        return redirect(url_for("grading.assignment", assignment_id=assignment_id))
    lang = content_language(located.course)
    return page(
        "grading/confirm_submit.html",
        lang,
        a=located.assignment,
        draft=draft,
        answer=render_answer(draft.text),
        length=wordcount.measure(located.assignment, draft.text),
        word_limits_text=word_limits(located.assignment),
    )


@bp.post("/assignments/<assignment_id>/submit")
@login_required
def submit(assignment_id: str) -> WerkzeugResponse:
    """Draft → submitted (after the confirmation page)."""
    launch = require_launch()
    located = _open_assignment(launch, assignment_id)
    history = services.attempts(launch.user.id, assignment_id)
    if not history or history[-1].state != DRAFT:
        raise DomainError(_("There is no draft to submit."), status_code=409)
    services.submit(history[-1], located, launch.context_pk)  # refuses an empty or too long text
    db.session.commit()
    flash(
        _("Your work is submitted. You will see the feedback here once it is released."), "success"
    )
    return redirect(url_for("grading.assignment", assignment_id=assignment_id))


def word_limits(assignment: Any) -> str:
    """The assignment's length rule in words, as a trainee reads it ("" when it has none)."""
    low, high = assignment.min_words, assignment.max_words
    if low and high:
        return _("%(low)s–%(high)s words", low=format_number(low), high=format_number(high))
    if low:
        return _("at least %(n)s words", n=format_number(low))
    if high:
        return _("at most %(n)s words", n=format_number(high))
    return ""


@bp.post("/preview")
@login_required
def preview() -> tuple[Response, int]:
    """Markdown → sanitised HTML for the editor's live preview. JSON {text} in, {html} out."""
    require_launch()
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return jsonify({"error": "bad_request", "message": _("Send JSON with a text field.")}), 400
    text = data["text"]
    if len(text) > services.MAX_TEXT:
        return jsonify({"error": "too_long", "message": _("The text is too long to preview.")}), 413
    return jsonify({"html": str(render_answer(text))}), 200


@bp.get("/files/<int:file_id>")
@login_required
def download(file_id: int) -> Response:
    """A submitted file, always as a download, only for those who may see the submission."""
    launch = require_launch()
    row = db.session.get(SubmissionFile, file_id)
    if row is None or not may_view(launch, row.submission):
        raise NotFound(_("This file is not available."))
    path = filestore.stored_path(row.stored_name)
    if not path.is_file():
        raise NotFound(
            _("This file is missing from storage. Please tell the programme's administrator.")
        )
    response = send_file(
        path, mimetype=row.mimetype, as_attachment=True, download_name=row.original_name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store, private"
    return response


from lms_plugin.grading import (  # noqa: E402,F401 - more routes on bp
    bank_views,
    correction_views,
    marking_views,
)
