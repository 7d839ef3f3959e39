"""Where a launch lands: the custom parameter `target` names a place in the tool."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError

from lms_plugin.lti.services import LaunchResult

# target name → endpoint; "module:<id>", "quiz:<id>" and "journal:<id>" pass the id as module_id.
TARGETS = {
    "home": "main.home",
    "course": "courses.course_home",
    "module": "courses.module",
    "quiz": "courses.quiz",
    "journal": "journal.page",
    "grading": "grading.queue",
    "progress": "progress.dashboard",
    "cohort": "progress.cohort",
    "coordination": "coordination.dashboard",
    "certificate": "certification.mine",
    "mentor": "coordination.mentor_view",
}


def target_url(target: str) -> str:
    """The URL for a target, or the home page when the target is unknown."""
    name, _, arg = target.partition(":")
    endpoint = TARGETS.get(name)
    if endpoint is None:
        return url_for("main.home")
    try:
        if name in ("module", "quiz", "journal") and arg:
            return url_for(endpoint, module_id=arg)
        return url_for(endpoint)
    except BuildError:
        return url_for("main.home")


def destination(result: LaunchResult) -> str:
    """Deep-linking requests go to the picker; resource links to their target."""
    if result.message_type == "LtiDeepLinkingRequest":
        return url_for("lti.deep_link_picker")
    return target_url(result.target)
