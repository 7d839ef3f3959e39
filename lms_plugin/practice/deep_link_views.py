"""Deep-linking return: check the tool's signed response and add its activities to the course."""

from __future__ import annotations

from typing import Any

import jwt
from flask import Response, render_template, request
from flask_babel import gettext as _
from lti1p3platform.exceptions import LtiDeepLinkingResponseException, LtiException

from lms_plugin.db import db
from lms_plugin.extensions import csrf
from lms_plugin.practice import urls
from lms_plugin.practice.ags import AgsError, parse_line_item
from lms_plugin.practice.platform import platform_conf
from lms_plugin.practice.roster import COURSE
from lms_plugin.practice.services import LineItemSpec, create_resource_link
from lms_plugin.practice.signing import unsign
from lms_plugin.practice.views import bp

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


class DeepLinkRejected(Exception):
    """A response the practice LMS refuses; nothing is added."""


def _problem(message: str) -> Response:
    page = render_template(
        "practice/problem.html", title=_("The activities could not be added"), message=message
    )
    return Response(page, status=400)


def _planned(item: dict[str, Any]) -> dict[str, Any]:
    """Check one content item; the activity is created only when every item is valid."""
    url = item.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(urls.tool_url("/"))):
        raise DeepLinkRejected(f"content item url {url!r} is not on the tool")
    custom = item.get("custom") or {}
    if not isinstance(custom, dict):
        raise DeepLinkRejected("custom must be an object of strings")
    title = item.get("title") if isinstance(item.get("title"), str) else ""
    spec: LineItemSpec | None = None
    if item.get("lineItem") is not None:
        line = item["lineItem"]
        if isinstance(line, dict) and not line.get("label"):
            line = {**line, "label": title or "Activity"}
        try:
            spec = parse_line_item(line)
        except AgsError as exc:
            raise DeepLinkRejected(f"lineItem of {title!r}: {exc.message}") from exc
    return {
        "title": title or "Activity",
        "text": item.get("text") if isinstance(item.get("text"), str) else "",
        "url": url,
        "custom": {str(k): str(v) for k, v in custom.items()},
        "line_item": spec,
    }


def _check_claims(token: str) -> dict[str, Any]:
    """Claims beyond the library's checks: deployment and the `data` we sent, signed by us."""
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    if claims.get(LTI + "deployment_id") != urls.DEPLOYMENT_ID:
        raise DeepLinkRejected("deployment_id is not the practice deployment")
    if claims.get(LTI + "version") != "1.3.0":
        raise DeepLinkRejected("LTI version is not 1.3.0")
    data = claims.get(DL + "data")
    sent = unsign(data, "practice-deep-link", 3600) if isinstance(data, str) else None
    if sent is None or sent.get("ctx") != COURSE.context_id:
        raise DeepLinkRejected(
            "the data claim is not the one this platform sent (or is older than an hour)"
        )
    return claims


@bp.post("/deep-link-return")
@csrf.exempt
def deep_link_return() -> Response:
    """Check the `JWT` form field (tool's key via its JWKS, aud = our issuer); add the links."""
    token = request.form.get("JWT", "")
    if not token:
        return _problem(_("The tool sent no JWT field."))
    conf = platform_conf(urls.issuer())
    conf.set_accepted_deeplinking_types(["ltiResourceLink"])
    try:
        items = conf.validate_deeplinking_resp({"JWT": token})
        claims = _check_claims(token)
        planned = [_planned(i) for i in items]
    except (LtiException, LtiDeepLinkingResponseException, DeepLinkRejected) as exc:
        return _problem(str(exc))
    added = [
        create_resource_link(
            COURSE.context_id,
            title=p["title"],
            text=p["text"],
            custom=p["custom"],
            url=p["url"],
            created_via="deep_link",
            line_item=p["line_item"],
        )
        for p in planned
    ]
    db.session.commit()
    return Response(
        render_template(
            "practice/deep_link_done.html",
            added=added,
            message=claims.get(DL + "msg") or claims.get(DL + "errormsg"),
        )
    )
