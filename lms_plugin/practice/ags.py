"""Assignment and Grade Services as Moodle answers them: line items, scores (409 rules), results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from lms_plugin.db import db
from lms_plugin.practice import urls
from lms_plugin.practice.models import PracticeLineItem, PracticeScore
from lms_plugin.practice.roster import person_by_sub
from lms_plugin.practice.services import LineItemSpec, latest_scores

ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")


class AgsError(Exception):
    """A request the service refuses; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def line_item_json(item: PracticeLineItem) -> dict[str, Any]:
    """A line item in application/vnd.ims.lis.v2.lineitem+json."""
    data: dict[str, Any] = {
        "id": urls.lineitem_url(item.context_id, item.id),
        "label": item.label,
        "scoreMaximum": item.score_maximum,
        "resourceId": item.resource_id,
        "tag": item.tag,
    }
    if item.resource_link_pk is not None:
        data["resourceLinkId"] = str(item.resource_link_pk)
    if item.start_date_time:
        data["startDateTime"] = item.start_date_time
    if item.end_date_time:
        data["endDateTime"] = item.end_date_time
    return data


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AgsError(f"{name} must be a number")
    return float(value)


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise AgsError(f"{name} must be a string")
    return value


def parse_line_item(body: Any) -> LineItemSpec:
    """Check a posted line item: label and a positive scoreMaximum are required."""
    if not isinstance(body, dict):
        raise AgsError("the body must be a JSON object")
    label = _text(body, "label").strip()
    if not label:
        raise AgsError("label is required")
    maximum = _number(body.get("scoreMaximum"), "scoreMaximum")
    if maximum <= 0:
        raise AgsError("scoreMaximum must be greater than 0")
    return LineItemSpec(
        label=label,
        score_maximum=maximum,
        resource_id=_text(body, "resourceId"),
        tag=_text(body, "tag"),
        start_date_time=_text(body, "startDateTime") or None,
        end_date_time=_text(body, "endDateTime") or None,
    )


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise AgsError("timestamp is required (ISO 8601 with a time zone)")
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise AgsError(f"timestamp {value!r} is not ISO 8601") from exc
    if stamp.tzinfo is None:
        raise AgsError("timestamp must carry a time zone offset")
    return stamp


def record_score(item: PracticeLineItem, body: Any) -> PracticeScore:
    """Store a posted score; 409 when its timestamp is not newer than the last one, like Moodle.

    Scores for instructors are stored but marked not gradable (Moodle: teachers are not gradable).
    """
    if not isinstance(body, dict):
        raise AgsError("the body must be a JSON object")
    user_id = body.get("userId")
    if not isinstance(user_id, str | int) or isinstance(user_id, bool) or str(user_id) == "":
        raise AgsError("userId is required")
    who = person_by_sub(str(user_id))
    if who is None:
        raise AgsError(f"userId {user_id} is not a member of this course")
    activity = body.get("activityProgress")
    grading = body.get("gradingProgress")
    if activity not in ACTIVITY_PROGRESS:
        raise AgsError(f"activityProgress must be one of {', '.join(ACTIVITY_PROGRESS)}")
    if grading not in GRADING_PROGRESS:
        raise AgsError(f"gradingProgress must be one of {', '.join(GRADING_PROGRESS)}")
    given = body.get("scoreGiven")
    maximum = body.get("scoreMaximum")
    score_given = None if given is None else _number(given, "scoreGiven")
    score_maximum = None if maximum is None else _number(maximum, "scoreMaximum")
    if score_given is not None:
        if score_maximum is None or score_maximum <= 0:
            raise AgsError("scoreMaximum (greater than 0) is required with scoreGiven")
        if score_given < 0:
            raise AgsError("scoreGiven must not be negative")
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise AgsError("comment must be a string")
    stamp = _timestamp(body.get("timestamp"))
    last = db.session.scalar(
        select(func.max(PracticeScore.timestamp)).where(
            PracticeScore.line_item_id == item.id, PracticeScore.user_sub == who.sub
        )
    )
    if last is not None and stamp <= last:
        raise AgsError("timestamp is not newer than the last score for this user", 409)
    score = PracticeScore(
        line_item_id=item.id,
        user_sub=who.sub,
        score_given=score_given,
        score_maximum=score_maximum,
        activity_progress=str(activity),
        grading_progress=str(grading),
        comment=comment,
        timestamp=stamp,
        is_gradable=not who.is_instructor,
    )
    db.session.add(score)
    db.session.flush()
    return score


def results_json(item: PracticeLineItem, user_id: str | None = None) -> list[dict[str, Any]]:
    """application/vnd.ims.lis.v2.resultcontainer+json: a list, one result per graded user."""
    item_url = urls.lineitem_url(item.context_id, item.id)
    base, _, query = item_url.partition("?")
    out = []
    for (_item_id, sub), score in sorted(latest_scores([item.id]).items()):
        if user_id is not None and sub != user_id:
            continue
        result: dict[str, Any] = {
            "id": f"{base}/results?{query}&user_id={sub}",
            "scoreOf": item_url,
            "userId": sub,
            "resultMaximum": item.score_maximum,
        }
        if score.score_given is not None and score.score_maximum:
            result["resultScore"] = score.score_given / score.score_maximum * item.score_maximum
        if score.comment:
            result["comment"] = score.comment
        out.append(result)
    return out
