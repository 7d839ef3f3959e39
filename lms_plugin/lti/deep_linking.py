"""Deep Linking: the instructor picks what to place in the Moodle course; we answer a signed JWT."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Response, abort, current_app, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from lms_plugin.accounts.current import current_launch
from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.lti import keys
from lms_plugin.lti.models import Platform
from lms_plugin.lti.picker_content import QUIZ_SCORE_MAXIMUM, load_course, localized
from lms_plugin.lti.resume import DEEP_LINK_KEY
from lms_plugin.lti.validation import LTI

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESPONSE_LIFETIME_SECONDS = 300


@dataclass(frozen=True)
class Choice:
    """One thing the instructor can place; `line_item` makes it a gradebook column."""

    target: str
    title: str
    description: str
    line_item: dict[str, Any] | None


def choices(lang: str) -> list[Choice]:
    """The course, each module, and the trainer/coordinator areas."""
    course = load_course()
    course_title = localized(course.title, lang)
    items = [
        Choice(
            "course",
            course_title,
            _("The whole course; its column shows each trainee's course progress."),
            {
                "label": course_title,
                "scoreMaximum": 100,
                "resourceId": f"course:{course.id}",
                "tag": "course-progress",
            },
        )
    ]
    for module in course.modules:
        title = localized(module.title, lang)
        line_item = None
        if module.score_maximum is not None:
            line_item = {
                "label": title,
                "scoreMaximum": module.score_maximum,
                "resourceId": f"module:{module.id}",
                "tag": module.graded_by,
            }
        description = (
            _("A module with a graded assignment; its column holds the released grade.")
            if module.graded_by == "assignment"
            else _("A module with a knowledge check; its column holds the best attempt's score.")
            if module.graded_by == "quiz"
            else _("A module with a practicum journal; its column holds the released grade.")
            if module.graded_by == "journal"
            else _("A module without a grade (no gradebook column).")
        )
        items.append(Choice(f"module:{module.id}", title, description, line_item))
        if module.graded_by == "assignment" and module.has_quiz:
            quiz_title = _("Knowledge check: %(module)s", module=title)
            items.append(
                Choice(
                    f"quiz:{module.id}",
                    quiz_title,
                    _("The module's knowledge check; its column holds the best attempt's score."),
                    {
                        "label": quiz_title,
                        "scoreMaximum": QUIZ_SCORE_MAXIMUM,
                        "resourceId": f"quiz:{module.id}",
                        "tag": "quiz",
                    },
                )
            )
        if module.journal_points is not None and module.graded_by in ("assignment", "quiz"):
            journal_title = _("Practicum journal: %(module)s", module=title)
            items.append(
                Choice(
                    f"journal:{module.id}",
                    journal_title,
                    _("The module's practicum journal; its column holds the released grade."),
                    {
                        "label": journal_title,
                        "scoreMaximum": module.journal_points,
                        "resourceId": f"journal:{module.id}",
                        "tag": "journal",
                    },
                )
            )
    items += [
        Choice("grading", _("Grading"), _("Where trainers grade submitted assignments."), None),
        Choice("coordination", _("Coordination"), _("Where coordinators place mentors."), None),
        Choice("cohort", _("Progress of trainees"), _("The progress of every trainee."), None),
    ]
    return items


def content_item(choice: Choice, launch_url: str) -> dict[str, Any]:
    """An ltiResourceLink whose URL names its target.

    Moodle keeps the item's URL as the activity's own tool URL and sends it back as the
    target_link_uri of every launch; a tool-level custom parameter cannot override it (Moodle 4.4
    lets the tool's custom parameters win over the activity's). The launch itself still lands on
    the one redirect URI. The custom parameter is kept for platforms that drop the query.
    """
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": choice.title,
        "text": choice.description,
        "url": f"{launch_url}?{urlencode({'target': choice.target})}",
        "custom": {"target": choice.target},
    }
    if choice.line_item is not None:
        item["lineItem"] = dict(choice.line_item)
    return item


def response_jwt(deep_link: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """The LtiDeepLinkingResponse, signed with the tool's active key (kid in the header)."""
    platform = db.session.get(Platform, int(deep_link["platform_pk"]))
    if platform is None or not platform.is_active:
        raise LookupError("the platform of this deep-linking request is no longer registered")
    key = keys.active_key()
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": now,
        "exp": now + RESPONSE_LIFETIME_SECONDS,
        "nonce": secrets.token_urlsafe(24),
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": deep_link["deployment_id"],
        DL + "content_items": items,
    }
    if deep_link.get("data"):
        payload[DL + "data"] = deep_link["data"]
    return jwt.encode(payload, key.private_pem, algorithm="RS256", headers={"kid": key.kid})


def picker() -> Response:
    """GET: the choices; POST: the signed answer, auto-posted back to Moodle."""
    launch = current_launch()
    if launch is None:
        abort(401)
    if launch.role not in (Role.TRAINER, Role.ADMIN):
        abort(403)
    deep_link = session.get(DEEP_LINK_KEY)
    if not isinstance(deep_link, dict):
        return _page("lti/deep_link_picker.html", 400, expired=True, options=[], error=None)
    lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    options = choices(lang)
    if request.method == "GET":
        return _page("lti/deep_link_picker.html", 200, options=options, error=None, expired=False)
    by_target = {c.target: c for c in options}
    picked = [by_target[t] for t in request.form.getlist("target") if t in by_target]
    error = None
    if not picked:
        error = _("Choose at least one item to add to the course.")
    elif len(picked) > 1 and not deep_link.get("accept_multiple", True):
        error = _("Moodle accepts only one item here: choose one.")
    if error:
        return _page("lti/deep_link_picker.html", 400, options=options, error=error, expired=False)
    launch_url = url_for("lti.launch", _external=True)
    try:
        token = response_jwt(deep_link, [content_item(c, launch_url) for c in picked])
    except LookupError as exc:
        return _page("lti/deep_link_picker.html", 400, options=[], error=str(exc), expired=False)
    session.pop(DEEP_LINK_KEY, None)
    return _page(
        "lti/deep_link_return.html",
        200,
        return_url=deep_link["return_url"],
        jwt=token,
        items=picked,
    )


def _page(template: str, status: int, **context: Any) -> Response:
    response = Response(render_template(template, **context))
    response.status_code = status
    return response
