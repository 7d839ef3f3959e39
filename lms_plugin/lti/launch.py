"""Launch validation: pylti1p3's message launch with every rule it leaves out closed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from flask import current_app
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from pylti1p3.contrib.flask.launch_data_storage.cache import FlaskCacheDataStorage
from pylti1p3.exception import LtiException
from sqlalchemy.exc import IntegrityError

from lms_plugin.db import db
from lms_plugin.extensions import cache
from lms_plugin.lti.models import UsedNonce
from lms_plugin.lti.platform_keys import public_key_pem
from lms_plugin.lti.tool_conf import DatabaseToolConf
from lms_plugin.lti.validation import LaunchRejected, check_claims, check_header

log = logging.getLogger("lms_plugin.lti")


def launch_storage() -> FlaskCacheDataStorage:
    """Launch state in the shared cache (Redis when configured), so any instance can finish a login."""
    return FlaskCacheDataStorage(cache)


class StrictMessageLaunch(FlaskMessageLaunch):
    """Validates in a safe order and adds the checks pylti1p3 skips."""

    def validate(self) -> StrictMessageLaunch:
        if self._restored:
            raise LaunchRejected("a restored launch cannot be validated again")
        self._validated = True
        try:
            self.validate_state()
            self.validate_jwt_format()
            check_header(self._jwt.get("header", {}))
            self.validate_registration()
            self.validate_jwt_signature()
            self._check_strict_claims()
            self.validate_nonce()
            self.validate_deployment()
            self.validate_message()
            self._consume_nonce()
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    def validate_jwt_signature(self) -> StrictMessageLaunch:
        assert self._registration is not None
        header = self._jwt.get("header", {})
        pem = public_key_pem(str(self._registration.get_key_set_url()), str(header["kid"]))
        try:
            jwt.decode(
                self._get_id_token(),
                pem,
                algorithms=["RS256"],
                audience=self._registration.get_client_id(),
                issuer=self._registration.get_issuer(),
                leeway=int(current_app.config["JWT_LEEWAY_SECONDS"]),
                options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_aud": False},
            )
        except jwt.InvalidTokenError as exc:
            raise LaunchRejected(f"id_token signature or claims invalid: {exc}") from exc
        return self

    def _check_strict_claims(self) -> None:
        assert self._registration is not None
        body = self._jwt.get("body", {})
        if body.get("iss") != self._registration.get_issuer():
            raise LaunchRejected("iss does not match the registration exactly")
        params = self.get_params_from_login() or {}
        check_claims(
            body,
            client_id=str(self._registration.get_client_id()),
            leeway=int(current_app.config["JWT_LEEWAY_SECONDS"]),
            login_deployment_id=str(params.get("lti_deployment_id") or "") or None,
        )

    def _consume_nonce(self) -> None:
        """pylti1p3 only checks that the nonce exists; a nonce must be usable once."""
        body = self._jwt.get("body", {})
        nonce = str(body.get("nonce", ""))
        if len(nonce) > 255:
            raise LaunchRejected("nonce longer than 255 characters")
        expires = datetime.fromtimestamp(float(body["exp"]), UTC) + timedelta(minutes=10)
        try:
            with db.session.begin_nested():
                db.session.add(UsedNonce(issuer=str(body["iss"]), nonce=nonce, expires_at=expires))
        except IntegrityError as exc:
            raise LaunchRejected("nonce already used (replayed id_token)") from exc


def validate_launch() -> StrictMessageLaunch:
    """Validate the POSTed id_token; raise LaunchRejected with the reason."""
    request = FlaskRequest()
    launch = StrictMessageLaunch(request, DatabaseToolConf(), launch_data_storage=launch_storage())
    try:
        launch.validate()
    except LaunchRejected:
        raise
    except LtiException as exc:
        raise LaunchRejected(str(exc)) from exc
    return launch


def launch_data(launch: StrictMessageLaunch) -> dict[str, Any]:
    """The validated id_token body."""
    return dict(launch.get_launch_data())
