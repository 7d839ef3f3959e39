"""The id_token claims, shaped like Moodle 4.4's (tests/fixtures/moodle/*.json)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lms_plugin.practice import urls
from lms_plugin.practice.roster import COURSE
from lms_plugin.practice.services import custom_of, line_item_of
from lms_plugin.practice.signing import sign

if TYPE_CHECKING:
    from lms_plugin.practice.launch import LaunchRequest, PracticeMessageLaunch

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
MOODLE_AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
TOOL_PLATFORM = {
    "product_family_code": "moodle",
    "version": "2024042212.01",
    "guid": "practice-lms-mentor-programme",
    "name": "gyakorlo",
    "description": "Practice LMS (Moodle-like)",
}


def moodle_custom(target: str | None, base: dict[str, str]) -> dict[str, str]:
    """The activity's custom parameters plus the service URLs Moodle repeats there."""
    custom = dict(base)
    if target:
        custom["target"] = target
    custom.update(
        {
            "context_memberships_url": urls.memberships_url(COURSE.context_id),
            "system_setting_url": urls.platform_url(f"/tool/{urls.TYPE_ID}/custom"),
            "context_setting_url": urls.platform_url(
                f"/CourseSection/{COURSE.context_id}/bindings/tool/{urls.TYPE_ID}/custom"
            ),
        }
    )
    return custom


def moodle_claims(launch: PracticeMessageLaunch, req: LaunchRequest) -> None:
    """Fill the launch with user, context, link, custom, presentation, AGS, NRPS and DL claims."""
    who = req.who
    launch.set_user_data(who.sub, list(who.roles), full_name=who.name, email_address=who.email)
    launch.set_launch_context_claim(
        COURSE.context_id, ["CourseSection"], context_title=COURSE.title, context_label=COURSE.label
    )
    extra: dict[str, Any] = {
        "given_name": who.given_name,
        "family_name": who.family_name,
        LTI + "lis": {"person_sourcedid": "", "course_section_sourcedid": ""},
        LTI + "ext": {"user_username": who.key, "lms": "moodle-2"},
        LTI + "tool_platform": dict(TOOL_PLATFORM),
    }
    link = req.link
    lineitem = None
    if link is not None:
        launch.set_resource_link_claim(str(link.id), description=link.text, title=link.title)
        launch.set_custom_parameters_claim(moodle_custom(req.target, custom_of(link)))
        item = line_item_of(link)
        lineitem = urls.lineitem_url(COURSE.context_id, item.id) if item else None
        return_url = urls.platform_url(
            f"/return?course={COURSE.context_id}&launch_container=3&instanceid={link.id}"
        )
        extra[LTI + "launch_presentation"] = {
            "locale": req.locale,
            "document_target": "iframe",
            "return_url": return_url,
        }
    else:
        launch.set_custom_parameters_claim(moodle_custom(req.target, {}))
        extra[LTI + "launch_presentation"] = {"locale": req.locale, "document_target": "iframe"}
        launch.set_dl(urls.platform_url("/deep-link-return"), accept_types={"ltiResourceLink"})
        launch._deep_linking_launch_data = {
            DL_SETTINGS: {
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["frame", "iframe", "window"],
                "accept_copy_advice": False,
                "accept_multiple": True,
                "accept_unsigned": False,
                "auto_create": False,
                "can_confirm": False,
                "deep_link_return_url": urls.platform_url("/deep-link-return"),
                "title": "Deep linked",
                "text": "",
                "data": sign({"ctx": COURSE.context_id, "who": who.key}, "practice-deep-link"),
            }
        }
    launch.set_ags(urls.lineitems_url(COURSE.context_id), lineitem)
    launch.set_nrps(urls.memberships_url(COURSE.context_id))
    launch.set_extra_claims(extra)
    launch.extra_claims[AGS]["scope"] = list(MOODLE_AGS_SCOPES)
    launch.extra_claims[NRPS]["service_versions"] = ["1.0", "2.0"]
