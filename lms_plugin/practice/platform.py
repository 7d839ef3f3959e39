"""lti1p3platform wired to Flask and to the practice LMS's configuration and keys."""

from __future__ import annotations

import logging
from typing import Any

import jwt
from flask import current_app, has_request_context, request
from lti1p3platform.exceptions import LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest

from lms_plugin.practice import urls
from lms_plugin.practice.keys import platform_key

log = logging.getLogger("lms_plugin.practice")


class FlaskLtiRequest(Request):
    """The current Flask request in the shape lti1p3platform reads."""

    def build_metadata(self, req: Any) -> TRequest:
        return {
            "method": req.method,
            "form_data": req.form.to_dict(),
            "get_data": req.args.to_dict(),
            "headers": req.headers,
            "content_type": req.content_type,
            "path": req.path,
            "json": req.get_json(silent=True),
        }


def current_lti_request() -> FlaskLtiRequest:
    return FlaskLtiRequest(request)


class KeyedRegistration(Registration):
    """A Registration whose JWT headers carry our kid (the library would derive none from a PEM)."""

    def __init__(self, kid: str) -> None:
        self._kid = kid

    def get_kid(self) -> str | None:
        return self._kid


def practice_registration() -> Registration:
    """The tool as registered on the practice LMS."""
    key = platform_key()
    reg = KeyedRegistration(key.kid)
    reg.set_iss(urls.issuer())
    reg.set_client_id(urls.CLIENT_ID)
    reg.set_deployment_id(urls.DEPLOYMENT_ID)
    reg.set_oidc_login_url(urls.tool_login_url())
    reg.set_launch_url(urls.tool_launch_url())
    reg.set_deeplink_launch_url(urls.tool_launch_url())
    reg.set_tool_key_set_url(urls.tool_jwks_url())
    reg.set_platform_private_key(key.private_pem)
    reg.set_platform_public_key(key.public_pem)
    return reg


class PracticePlatformConf(LTI1P3PlatformConfAbstract):
    """The platform side: the tool's keys come from its JWKS (fetched over HTTP with requests).

    The library decodes tool JWTs without checking aud, exp or iss; `tool_validate_and_decode`
    here requires them: iss is the client_id, aud one of `expected_audiences`.
    """

    expected_audiences: tuple[str, ...] = ()
    require_sub = False  # client assertions: sub must be the client_id too

    def init_platform_config(self, **kwargs: Any) -> None:
        self.expected_audiences = tuple(kwargs.get("audiences", ()))

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return practice_registration()

    def fetch_public_key(self, key_set_url: str) -> Any:
        """The tool's JWKS over HTTP; when the tool is this very app and the fetch fails (a
        single-worker server cannot answer itself), read its keys in-process instead."""
        try:
            return super().fetch_public_key(key_set_url)
        except LtiException:
            if not (has_request_context() and key_set_url.startswith(request.host_url)):
                raise
            log.warning("tool JWKS fetch failed; using the in-process keys", extra={"data": {}})
            from lms_plugin.lti.keys import jwks

            return jwks()

    def tool_validate_and_decode(self, jwt_token_string: str) -> dict[str, Any]:
        self.validate_jwt_format(jwt_token_string)
        public_key = self.get_tool_public_key()
        try:
            claims: dict[str, Any] = jwt.decode(
                jwt_token_string,
                public_key,
                algorithms=["RS256"],
                audience=list(self.expected_audiences),
                leeway=int(current_app.config.get("JWT_LEEWAY_SECONDS", 5)),
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as exc:
            raise LtiException(f"JWT rejected: {exc}") from exc
        if claims.get("iss") != urls.CLIENT_ID:
            raise LtiException(
                f"JWT iss {claims.get('iss')!r} is not the client_id {urls.CLIENT_ID!r}"
            )
        if self.require_sub and claims.get("sub") != urls.CLIENT_ID:
            raise LtiException(
                f"JWT sub {claims.get('sub')!r} is not the client_id {urls.CLIENT_ID!r}"
            )
        return claims


def platform_conf(*audiences: str) -> PracticePlatformConf:
    """A configured platform object; call get_registration() before use (it caches per instance)."""
    conf = PracticePlatformConf(audiences=audiences)
    conf.get_registration()
    return conf


class PracticeOIDCLogin(OIDCLoginAbstract):
    """Builds the third-party initiated login request; the view posts it (no redirect)."""

    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = str(kwargs["hint"])

    def get_redirect(self, url: str) -> str:
        return url
