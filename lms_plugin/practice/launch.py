"""Building a Moodle-shaped launch: the signed hint, the OIDC checks and the id_token claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import render_template
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract

from lms_plugin.practice import urls
from lms_plugin.practice.claims import moodle_claims
from lms_plugin.practice.models import PracticeResourceLink
from lms_plugin.practice.platform import PracticeOIDCLogin, current_lti_request, platform_conf
from lms_plugin.practice.roster import COURSE, Person, person
from lms_plugin.practice.services import link_in
from lms_plugin.practice.signing import sign, unsign

HINT_MAX_AGE = 600
LOCALES = ("hu", "en")


class LaunchError(Exception):
    """A launch the practice LMS refuses; the message is shown on the page."""


@dataclass(frozen=True)
class LaunchRequest:
    """Who launches what: a resource link, or a deep-linking request when `link` is None."""

    who: Person
    link: PracticeResourceLink | None
    target: str | None
    locale: str

    @property
    def is_deep_link(self) -> bool:
        return self.link is None


def make_request(
    who_key: str, *, link_id: int | None, target: str | None, locale: str
) -> LaunchRequest:
    """Check the picker's choice; deep linking (no link) is for instructors only."""
    who = person(who_key)
    if who is None:
        raise LaunchError(f"there is no practice user {who_key!r}")
    if locale not in LOCALES:
        raise LaunchError(f"language {locale!r} is not offered")
    link = None
    if link_id is not None:
        link = link_in(COURSE.context_id, link_id)
        if link is None:
            raise LaunchError(f"there is no activity {link_id} in the practice course")
    elif not who.is_instructor:
        raise LaunchError("only a trainer or an admin can add activities (deep linking)")
    target = (target or "").strip()[:255] or None
    return LaunchRequest(who=who, link=link, target=target, locale=locale)


def hint_for(req: LaunchRequest) -> str:
    """lti_message_hint: the signed launch, so /auth knows what was chosen (a platform session)."""
    data = {
        "who": req.who.key,
        "link": req.link.id if req.link else None,
        "target": req.target,
        "locale": req.locale,
    }
    return sign(data, "practice-launch")


def request_from_hint(hint: str) -> LaunchRequest:
    data = unsign(hint, "practice-launch", HINT_MAX_AGE)
    if data is None:
        raise LaunchError(
            "the launch link is invalid or expired; start again from the practice LMS"
        )
    link = data.get("link")
    return make_request(
        str(data.get("who")),
        link_id=int(link) if isinstance(link, int) else None,
        target=data.get("target") if isinstance(data.get("target"), str) else None,
        locale=str(data.get("locale")),
    )


def login_initiation(req: LaunchRequest) -> dict[str, str]:
    """The third-party initiated login parameters (iss, login_hint, target_link_uri, ...)."""
    login = PracticeOIDCLogin(current_lti_request(), platform_conf())
    login.set_lti_message_hint(hint=hint_for(req))
    if req.is_deep_link:
        login.set_deeplinking_launch_url()
    elif req.link is not None and req.link.url:
        login.set_launch_url(req.link.url)  # Moodle: the activity's own tool URL
    url: str = login.initiate_login(req.who.sub)
    return dict(parse_qsl(urlsplit(url).query))


def check_auth_request(params: dict[str, str], req: LaunchRequest) -> None:
    """The OIDC authentication request must be exactly what a Moodle would accept."""
    expected = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "client_id": urls.CLIENT_ID,
        "redirect_uri": urls.tool_launch_url(),
    }
    for name, value in expected.items():
        if params.get(name) != value:
            raise LaunchError(f"{name} must be {value!r}, got {params.get(name)!r}")
    if params.get("prompt", "none") != "none":
        raise LaunchError("prompt must be 'none'")
    for name in ("nonce", "state"):
        if not params.get(name):
            raise LaunchError(f"{name} is missing")
    if params.get("login_hint") != req.who.sub:
        raise LaunchError("login_hint does not match the user who started the launch")


class PracticeMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    """lti1p3platform's launch, with Moodle's claim shapes and our auto-post page."""

    def get_launch_message(self, include_extra_claims: bool = True) -> dict[str, Any]:
        message: dict[str, Any] = super().get_launch_message(include_extra_claims)
        message.pop("azp", None)  # Moodle sends no azp
        return message

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> str:
        return render_template(
            "practice/autopost.html",
            action=launch_data["launch_url"],
            fields={"id_token": launch_data["id_token"], "state": launch_data["state"]},
            title=kwargs.get("title", ""),
        )


def build_launch(req: LaunchRequest) -> PracticeMessageLaunch:
    """Set every claim Moodle 4.4 sends (see tests/fixtures/moodle)."""
    launch = PracticeMessageLaunch(current_lti_request(), platform_conf())
    launch.set_id_token_expiration(60)
    if req.link is not None and req.link.url:
        # Moodle sends the activity's own tool URL (from deep linking) as target_link_uri; the
        # id_token is still posted to the one redirect URI.
        launch.set_launch_url(req.link.url)
    moodle_claims(launch, req)
    return launch
