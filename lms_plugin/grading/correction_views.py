"""Trainer action: reopen a released grade for correction (with a reason; version-checked)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.accounts.current import require_launch, roles_required
from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.errors import DomainError, Forbidden
from lms_plugin.grading import corrections
from lms_plugin.grading.access import markable_submission
from lms_plugin.grading.marking_views import render_grading_page
from lms_plugin.grading.views import bp
from lms_plugin.input_guard import int_or


@bp.post("/submissions/<int:submission_id>/correct")
@roles_required(Role.TRAINER)
def reopen_for_correction(submission_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """Released → in progress; the trainee keeps the released grade until the correction is out."""
    launch = require_launch()
    submission = markable_submission(launch, submission_id)
    if not corrections.may_correct(launch, submission):
        raise Forbidden(_("Only a trainer of this trainee's course can correct a released grade."))
    reason = request.form.get("reason", "")
    version = request.form.get("version", "")
    try:
        corrections.reopen_for_correction(launch.user, submission, int_or(version, -1), reason)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        submission = markable_submission(launch, submission_id)
        return render_grading_page(launch, submission, typed_reason=reason), err.status_code
    db.session.commit()
    flash(
        _(
            "The grade is open for correction. The trainee and Moodle keep the released grade "
            "until you release the correction."
        ),
        "success",
    )
    return redirect(url_for("grading.grade_page", submission_id=submission_id))
