"""Practice LMS pages: the course page with the launch picker, set-up, gradebook and JWKS."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lms_plugin.practice import urls
from lms_plugin.practice.keys import platform_jwks
from lms_plugin.practice.roster import COURSE, PEOPLE
from lms_plugin.practice.services import latest_scores, line_items_of, links_of, recent_scores
from lms_plugin.practice.setup import practice_platform, register_practice_platform

bp = Blueprint("practice", __name__, url_prefix="/practice")


@bp.get("/")
def index() -> str:
    """The practice course: pick a person, an activity and a language, then launch the tool."""
    platform = practice_platform()
    links = links_of() if platform else []
    # Launches use the configured addresses: warn when the page was opened at another one.
    elsewhere = not urls.issuer().startswith(request.host_url.rstrip("/"))
    return render_template(
        "practice/index.html",
        registered=platform is not None,
        course=COURSE,
        people=[p for p in PEOPLE if p.on_picker],
        instructors=[p for p in PEOPLE if p.on_picker and p.is_instructor],
        links=links,
        issuer=urls.issuer(),
        client_id=urls.CLIENT_ID,
        deployment_id=urls.DEPLOYMENT_ID,
        platform_urls={
            "auth": urls.platform_url("/auth"),
            "token": urls.platform_url("/token"),
            "jwks": urls.platform_url("/jwks"),
        },
        tool_urls={"login": urls.tool_login_url(), "launch": urls.tool_launch_url()},
        elsewhere=elsewhere,
    )


@bp.post("/setup")
def setup() -> WerkzeugResponse:
    """Register the practice LMS with the tool (what `flask init` does) from the page."""
    register_practice_platform()
    flash(_("The practice LMS is registered with the tool. You can launch now."), "success")
    return redirect(url_for("practice.index"))


@bp.get("/gradebook")
def gradebook() -> str:
    """Users × columns, like Moodle's grader report: only FullyGraded scores are grades."""
    items = line_items_of(COURSE.context_id)
    latest = latest_scores([i.id for i in items])
    names = {p.sub: p.name for p in PEOPLE}
    return render_template(
        "practice/gradebook.html",
        course=COURSE,
        items=items,
        people=PEOPLE,
        latest=latest,
        recent=recent_scores(),
        names=names,
        item_labels={i.id: i.label for i in items},
    )


@bp.get("/return")
def launch_return() -> WerkzeugResponse:
    """Moodle's return.php: the tool sends the user back, optionally with a message."""
    message = request.args.get("lti_msg") or request.args.get("lti_errormsg")
    if message:
        flash(message[:500], "error" if request.args.get("lti_errormsg") else "info")
    return redirect(url_for("practice.index"))


@bp.get("/jwks")
def jwks() -> Response:
    """The practice LMS's public key: {"keys": [...]} with a kid."""
    response = jsonify(platform_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
