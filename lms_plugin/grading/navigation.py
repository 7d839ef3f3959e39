"""Previous / next within the queue view a trainer came from: the view (search, filters, sort)
travels in the grade page's URL, so "save and show next" stays inside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from lms_plugin.accounts.current import CurrentLaunch
from lms_plugin.grading import queue
from lms_plugin.grading.models import Submission


@dataclass(frozen=True)
class Around:
    """Where the open submission stands in the view, with the links a grade page shows."""

    index: int  # 1-based; 0 when the submission is not in the view (any more)
    total: int
    previous_url: str | None
    next_url: str | None
    queue_url: str  # the view, on the page that lists this submission
    next_id: int | None


def _view(launch: CurrentLaunch, submission: Submission) -> queue.QueueFilter:
    return queue.filter_from_args(request.args, submission.context_pk, launch.user.id)


def view_args() -> dict[str, Any]:
    """The current request's queue view as URL parameters (without the page number)."""
    return queue.filter_args(queue.filter_from_args(request.args, 0, 0), page=False)


def _grade_url(submission_id: int, args: dict[str, Any]) -> str:
    return url_for("grading.grade_page", submission_id=submission_id, **args)


def around(launch: CurrentLaunch, submission: Submission) -> Around:
    """The open submission's place in the view, its neighbours and the way back to the list."""
    view = _view(launch, submission)
    args = queue.filter_args(view, page=False)
    found = queue.position(view, submission.id)
    page_no = (found.index - 1) // view.per_page + 1 if found.index else 1
    back = dict(args, page=str(page_no)) if page_no > 1 else args
    return Around(
        index=found.index,
        total=found.total,
        previous_url=_grade_url(found.previous_id, args) if found.previous_id else None,
        next_url=_grade_url(found.next_id, args) if found.next_id else None,
        queue_url=url_for("grading.queue", **back),
        next_id=found.next_id,
    )


def next_after(launch: CurrentLaunch, submission: Submission) -> int | None:
    """The submission after this one in the view, as the view is now."""
    return queue.position(_view(launch, submission), submission.id).next_id


def next_url(following: int | None) -> str:
    """The next submission's grade page within the view, or the view itself after the last."""
    args = view_args()
    if following is None:
        return url_for("grading.queue", **args)
    return _grade_url(following, args)
