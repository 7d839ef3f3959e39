"""The LTI Advantage services of the practice LMS: token, line items, scores, results, roster."""

from __future__ import annotations

import json
from typing import Any

import jwt
from flask import Response, request
from lti1p3platform.exceptions import LtiException, MissingRequiredClaim, UnsupportedGrantType

from lms_plugin.db import db
from lms_plugin.extensions import csrf
from lms_plugin.practice import urls
from lms_plugin.practice.ags import (
    AgsError,
    line_item_json,
    parse_line_item,
    record_score,
    results_json,
)
from lms_plugin.practice.nrps import memberships_page
from lms_plugin.practice.platform import platform_conf
from lms_plugin.practice.roster import COURSE
from lms_plugin.practice.services import create_line_item, line_item_in, line_items_of, link_in
from lms_plugin.practice.views import bp

SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM, LINEITEM_READ = SCOPE + "lineitem", SCOPE + "lineitem.readonly"
SCORE, RESULT_READ = SCOPE + "score", SCOPE + "result.readonly"
NRPS_READ = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def json_response(body: Any, status: int = 200, content_type: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=content_type)


def service_error(status: int, message: str) -> Response:
    return json_response({"status": status, "reason": message}, status)


def check_bearer(*scopes: str) -> Response | None:
    """None when the bearer token is ours, unexpired and carries one of `scopes`; else the error."""
    parts = request.headers.get("Authorization", "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return service_error(401, "missing bearer access token")
    try:
        allowed = platform_conf().validate_token(parts[1], list(scopes))
    except (jwt.PyJWTError, LtiException) as exc:
        return service_error(401, f"invalid access token: {exc}")
    if not allowed:
        return service_error(403, f"the access token has none of the scopes {' '.join(scopes)}")
    return None


def check_context(context_id: str) -> Response | None:
    return None if context_id == COURSE.context_id else service_error(404, "no such course")


def _token_error(status: int, error: str, description: str) -> Response:
    body = {"error": error, "error_description": description}
    return json_response(body, status, "text/html; charset=utf-8")


@bp.post("/token")
@csrf.exempt
def token() -> Response:
    """client_credentials with a JWT signed by the tool; JSON sent as text/html, like Moodle."""
    data = request.form.to_dict()
    if data.get("client_assertion_type") != ASSERTION_TYPE:
        return _token_error(
            400, "invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}"
        )
    conf = platform_conf(urls.platform_url("/token"), urls.issuer())
    conf.require_sub = True
    try:
        result = conf.get_access_token(data)
    except MissingRequiredClaim as exc:
        return _token_error(400, "invalid_request", str(exc))
    except UnsupportedGrantType:
        return _token_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    except LtiException as exc:
        return _token_error(401, "invalid_client", str(exc))
    if not result["scope"]:
        return _token_error(400, "invalid_scope", "none of the requested scopes is offered")
    return json_response(dict(result), 200, "text/html; charset=utf-8")


@bp.route("/contexts/<context_id>/lineitems", methods=["GET", "POST"])
@csrf.exempt
def lineitems(context_id: str) -> Response:
    """The course's line items: GET (resource_id, tag, resource_link_id filters) or POST."""
    if request.method == "POST":
        denied = check_bearer(LINEITEM) or check_context(context_id)
        if denied:
            return denied
        if request.mimetype != LINEITEM_TYPE:
            return service_error(415, f"Content-Type must be {LINEITEM_TYPE}")
        body = request.get_json(force=True, silent=True)
        try:
            spec = parse_line_item(body)
            link = None
            if isinstance(body, dict) and body.get("resourceLinkId"):
                link = link_in(context_id, int(str(body["resourceLinkId"])))
                if link is None:
                    raise AgsError("resourceLinkId is not an activity of this course")
        except (AgsError, ValueError) as exc:
            return service_error(400, getattr(exc, "message", str(exc)))
        item = create_line_item(context_id, spec, resource_link=link)
        db.session.commit()
        return json_response(line_item_json(item), 201, LINEITEM_TYPE)
    denied = check_bearer(LINEITEM, LINEITEM_READ) or check_context(context_id)
    if denied:
        return denied
    link_filter = request.args.get("resource_link_id")
    items = line_items_of(
        context_id,
        resource_id=request.args.get("resource_id"),
        tag=request.args.get("tag"),
        resource_link_pk=int(link_filter) if link_filter and link_filter.isdigit() else None,
    )
    if link_filter and not link_filter.isdigit():
        items = []
    body_list = [line_item_json(i) for i in items]
    return json_response(body_list, 200, "application/vnd.ims.lis.v2.lineitemcontainer+json")


@bp.route("/contexts/<context_id>/lineitems/<int:item_id>/lineitem", methods=["GET", "PUT"])
@csrf.exempt
def lineitem(context_id: str, item_id: int) -> Response:
    """One line item (GET), or a change of its label, maximum, resourceId or tag (PUT)."""
    scopes = (LINEITEM,) if request.method == "PUT" else (LINEITEM, LINEITEM_READ)
    denied = check_bearer(*scopes) or check_context(context_id)
    if denied:
        return denied
    item = line_item_in(context_id, item_id)
    if item is None:
        return service_error(404, "no such line item")
    if request.method == "PUT":
        if request.mimetype != LINEITEM_TYPE:
            return service_error(415, f"Content-Type must be {LINEITEM_TYPE}")
        try:
            spec = parse_line_item(request.get_json(force=True, silent=True))
        except AgsError as exc:
            return service_error(exc.status, exc.message)
        item.label, item.score_maximum = spec.label, spec.score_maximum
        item.resource_id, item.tag = spec.resource_id, spec.tag
        db.session.commit()
    return json_response(line_item_json(item), 200, LINEITEM_TYPE)


@bp.post("/contexts/<context_id>/lineitems/<int:item_id>/lineitem/scores")
@csrf.exempt
def scores(context_id: str, item_id: int) -> Response:
    """Receive a score (vnd.ims.lis.v1.score+json); 409 for a non-increasing timestamp."""
    denied = check_bearer(SCORE) or check_context(context_id)
    if denied:
        return denied
    item = line_item_in(context_id, item_id)
    if item is None:
        return service_error(404, "no such line item")
    if request.mimetype != "application/vnd.ims.lis.v1.score+json":
        return service_error(415, "Content-Type must be application/vnd.ims.lis.v1.score+json")
    try:
        record_score(item, request.get_json(force=True, silent=True))
    except AgsError as exc:
        db.session.rollback()
        return service_error(exc.status, exc.message)
    db.session.commit()
    return Response(status=200)


@bp.get("/contexts/<context_id>/lineitems/<int:item_id>/lineitem/results")
def results(context_id: str, item_id: int) -> Response:
    """The current result per user (optionally one `user_id`)."""
    denied = check_bearer(RESULT_READ) or check_context(context_id)
    if denied:
        return denied
    item = line_item_in(context_id, item_id)
    if item is None:
        return service_error(404, "no such line item")
    body = results_json(item, request.args.get("user_id"))
    return json_response(body, 200, "application/vnd.ims.lis.v2.resultcontainer+json")


@bp.get("/contexts/<context_id>/memberships")
def memberships(context_id: str) -> Response:
    """NRPS roster with Moodle's short role names and its `Link: <url>;rel=next` paging header."""
    denied = check_bearer(NRPS_READ) or check_context(context_id)
    if denied:
        return denied
    try:
        page = memberships_page(request.args)
    except ValueError as exc:
        return service_error(400, str(exc))
    response = json_response(
        page.body, 200, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    )
    if page.link_header:
        response.headers["Link"] = page.link_header
    return response
