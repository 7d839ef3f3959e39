"""Manual registration (Moodle's "configure a tool manually" + the tool's `lti add-platform`),
on a Moodle and a tool both reset after the dynamic-registration tests."""

from __future__ import annotations

from typing import Any

from tests.moodle import helpers as h
from tests.moodle.conftest import NewPage, Tool, kit, mcli, moodle_login

QUIZ_MODULE, _ASSIGNMENT_MODULE = h.pick_modules()


def test_manual_registration(moodle: dict[str, Any], tool: Tool, new_page: NewPage) -> None:
    kit("--reset")
    tool.reset()
    url = tool.url
    reg = mcli(moodle, "add-tool", "--name", "Mentor Programme",
               "--tool-url", f"{url}/lti/launch", "--login-url", f"{url}/lti/login",
               "--redirect-uri", f"{url}/lti/launch", "--jwks-url", f"{url}/lti/jwks",
               "--deep-linking-url", f"{url}/lti/launch",
               "--launchcontainer", "embed_no_blocks", "--accept-grades", "always",
               "--send-name", "always")  # fmt: skip
    h.frame_ancestor_answers(tool.url)  # a tool in service: every worker has answered before
    tool.flask("lti", "add-platform", "--issuer", reg["issuer"], "--client-id", reg["clientid"],
               "--deployment-id", str(reg["deploymentid"]), "--auth-url", reg["auth_url"],
               "--token-url", reg["token_url"], "--jwks-url", reg["jwks_url"],
               "--name", "Kit Moodle")  # fmt: skip
    listed = tool.flask("lti", "list-platforms")
    assert reg["clientid"] in listed, listed
    # every worker lets this Moodle frame the tool at once
    answers = h.frame_ancestor_answers(tool.url)
    refused = [a for a in answers if moodle["moodle_url"] not in a.split()]
    assert not refused, f"responses that forbid Moodle to frame the tool: {answers}"

    act = mcli(moodle, "add-lti-activity", h.course_id(moodle), str(reg["typeid"]),
               "--name", "Module 1", "--custom", f"target=module:{QUIZ_MODULE}")  # fmt: skip
    # Launch right away, as a teacher would after the operator registered the tool.
    page = new_page()
    moodle_login(page, moodle, "s1")
    frame = h.open_activity(page, moodle, act["view_url"], tool.url)
    assert h.path_of(frame).rstrip("/") == f"/course/{QUIZ_MODULE}", frame.url
    _folder, data = h.module_yaml(QUIZ_MODULE)
    assert data["title"]["en"] in h.heading(frame), h.heading(frame)
