"""Activities open what they were made for despite Moodle's custom-parameter merge; one person per
issuer across registrations of the same Moodle."""

from __future__ import annotations

from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms_plugin.accounts.models import LmsContext, ResourceLink, User
from lms_plugin.db import db
from lms_plugin.lti.platforms import add_platform
from tests.lti.launch_platform import TOOL, LaunchPlatform

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def _ags(moodle: LaunchPlatform, item: int) -> dict[str, object]:
    base = f"{moodle.issuer}/mod/lti/services.php/2/lineitems"
    return {
        "scope": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        ],
        "lineitems": f"{base}?type_id=1",
        "lineitem": f"{base}/{item}/lineitem?type_id=1",
    }


def _landing(tool: FlaskClient, moodle: LaunchPlatform, **changes: object) -> str:
    """Launch and follow to the page the activity opens; returns its path."""
    response = moodle.launch(tool, follow=False, **changes)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    nxt = tool.get(response.headers["Location"])  # /lti/continue → the target
    assert nxt.status_code == 302
    return str(nxt.headers["Location"])


def test_the_target_in_the_activity_url_wins_over_a_tool_level_target_home(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    # Moodle 4.4 sends the tool-level target=home in place of the activity's own custom target,
    # but the activity's URL (what deep linking returned) comes back as target_link_uri.
    url = f"{TOOL}/lti/launch?" + urlencode({"target": "module:programme"})
    path = _landing(tool, moodle, custom={"target": "home"}, target_link_uri=url)
    assert path.endswith("/course/programme/")


def test_an_activity_deep_linked_before_the_fix_opens_its_module(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    # An old registration: target=home at tool level, activity URL without a target. The column
    # deep linking made for the activity says what it is (resourceId module:programme).
    ags = _ags(moodle, 7)
    moodle.line_items[str(ags["lineitem"])] = {
        "id": ags["lineitem"],
        "label": "A program",
        "scoreMaximum": 100,
        "resourceId": "module:programme",
        "tag": "quiz",
    }
    changes = {"custom": {"target": "home"}, AGS: ags}
    assert _landing(tool, moodle, **changes).endswith("/course/programme/")
    link = db.session.scalar(select(ResourceLink))
    assert link is not None and link.target == "module:programme"
    assert link.lineitem_resource_id == "module:programme"
    # The second launch of the same activity does not ask the platform again.
    assert _landing(tool, moodle, **changes).endswith("/course/programme/")
    assert len(moodle.line_item_reads) == 1


def test_an_activity_made_by_hand_keeps_its_custom_target(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    path = _landing(tool, moodle, custom={"target": "module:wellbeing"})
    assert path.endswith("/course/wellbeing/")
    assert moodle.line_item_reads == []


def test_a_link_without_any_target_opens_home(tool: FlaskClient, moodle: LaunchPlatform) -> None:
    assert _landing(tool, moodle, custom={}) in ("/", f"{TOOL}/")


def test_the_teachers_launch_locale_labels_the_gradebook(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    teacher = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
    moodle.launch(
        tool,
        roles=[teacher],
        sub="3",
        launch_presentation={"locale": "en", "document_target": "iframe"},
    )
    ctx = db.session.scalar(select(LmsContext))
    assert ctx is not None and ctx.gradebook_locale == "en"
    # A student's Hungarian launch does not change the language of the teachers' gradebook.
    moodle.launch(tool, launch_presentation={"locale": "hu", "document_target": "iframe"})
    db.session.refresh(ctx)
    assert ctx.gradebook_locale == "en"


def test_two_registrations_of_one_moodle_share_the_person(
    tool: FlaskClient, moodle: LaunchPlatform
) -> None:
    moodle.launch(tool)
    second = add_platform(
        issuer=moodle.issuer,
        client_id="SecondClientId1",
        deployment_id="2",
        auth_url=moodle.auth_url,
        token_url=moodle.token_url,
        jwks_url=moodle.jwks_url,
        name="Second registration",
    )[0]
    db.session.commit()
    original = moodle.client_id
    moodle.client_id, moodle.deployment_id = second.client_id, "2"
    try:
        response = moodle.launch(tool)
        assert response.status_code == 200
    finally:
        moodle.client_id, moodle.deployment_id = original, "1"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.sub == "4")) == 1
    user = db.session.scalar(select(User).where(User.sub == "4"))
    assert user is not None and user.issuer == moodle.issuer
    # Courses stay per registration (their service URLs carry the tool type).
    assert db.session.scalar(select(func.count()).select_from(LmsContext)) == 2
