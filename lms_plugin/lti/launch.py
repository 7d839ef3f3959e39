"""Launch validation: pylti1p3's message launch with every rule it leaves out closed."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import jwt
from flask import current_app
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from pylti1p3.contrib.flask.launch_data_storage.cache import FlaskCacheDataStorage
from pylti1p3.exception import LtiException
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lms_plugin.db import db, utcnow
from lms_plugin.extensions import cache
from lms_plugin.lti.models import UsedNonce
from lms_plugin.lti.platform_keys import public_key_pem
from lms_plugin.lti.tool_conf import DatabaseToolConf
from lms_plugin.lti.validation import (
    COOKIES,
    EXPIRED,
    REPLAY,
    UNKNOWN_DEPLOYMENT,
    UNKNOWN_PLATFORM,
    LaunchRejected,
    check_audience,
    check_claims,
    check_header,
)

log = logging.getLogger("lms_plugin.lti")


def launch_storage() -> FlaskCacheDataStorage:
    """Launch state in the shared cache (Redis when configured): any instance finishes a login."""
    return FlaskCacheDataStorage(cache)


def _leeway() -> int:
    return int(current_app.config["JWT_LEEWAY_SECONDS"])


class StrictMessageLaunch(FlaskMessageLaunch):
    """Validates in a safe order and adds the checks pylti1p3 skips."""

    def _body(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._jwt.get("body", {}))

    def _header(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._jwt.get("header", {}))

    def validate(self) -> StrictMessageLaunch:
        if self._restored:
            raise LaunchRejected("a restored launch cannot be validated again")
        self._validated = True
        try:
            self.validate_state()
            self.validate_jwt_format()
            check_header(self._header())
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

    def get_client_id(self) -> str:
        """The client the token is for: azp when sent, else the single (or first) audience."""
        body = self._body()
        azp = body.get("azp")
        if isinstance(azp, str) and azp:
            return azp
        aud = body.get("aud")
        if isinstance(aud, list):
            return str(aud[0]) if aud else ""
        return str(aud or "")

    def validate_state(self) -> StrictMessageLaunch:
        """The state must come back in the cookie our login set in this browser."""
        try:
            super().validate_state()
        except LtiException as exc:
            raise LaunchRejected(f"state not bound to this browser: {exc}", COOKIES) from exc
        return self

    def validate_registration(self) -> StrictMessageLaunch:
        try:
            super().validate_registration()
        except LtiException as exc:
            raise LaunchRejected(
                f"no active registration for iss={self._body().get('iss')!r} "
                f"client_id={self.get_client_id()!r}",
                UNKNOWN_PLATFORM,
            ) from exc
        return self

    def validate_jwt_signature(self) -> StrictMessageLaunch:
        assert self._registration is not None
        header = self._header()
        pem = public_key_pem(str(self._registration.get_key_set_url()), str(header["kid"]))
        try:
            jwt.decode(
                self._get_id_token(),
                pem,
                algorithms=["RS256"],
                issuer=self._registration.get_issuer(),
                leeway=_leeway(),
                options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_aud": False},
            )
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
            raise LaunchRejected(f"id_token time invalid: {exc}", EXPIRED) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRejected(f"id_token signature or claims invalid: {exc}") from exc
        return self

    def _check_strict_claims(self) -> None:
        assert self._registration is not None
        body = self._body()
        if body.get("iss") != self._registration.get_issuer():
            raise LaunchRejected("iss does not match the registration exactly", UNKNOWN_PLATFORM)
        check_audience(body, str(self._registration.get_client_id()))
        params = self.get_params_from_login() or {}
        check_claims(
            body,
            client_id=str(self._registration.get_client_id()),
            leeway=_leeway(),
            login_deployment_id=str(params.get("lti_deployment_id") or "") or None,
        )

    def validate_nonce(self) -> StrictMessageLaunch:
        """The nonce must be one our login issued to this browser."""
        nonce = self._body().get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise LaunchRejected("nonce missing")
        if not self._session_service.check_nonce(nonce):
            raise LaunchRejected("nonce was not issued by our login (or has expired)", REPLAY)
        return self

    def validate_deployment(self) -> StrictMessageLaunch:
        try:
            super().validate_deployment()
        except LtiException as exc:
            raise LaunchRejected(str(exc), UNKNOWN_DEPLOYMENT) from exc
        return self

    def _consume_nonce(self) -> None:
        """pylti1p3 only checks that the nonce exists; a nonce must be usable once."""
        body = self._body()
        nonce = str(body.get("nonce", ""))
        if len(nonce) > 255:
            raise LaunchRejected("nonce longer than 255 characters")
        expires = datetime.fromtimestamp(float(body["exp"]), UTC) + timedelta(minutes=10)
        _purge_expired_nonces()
        # One statement: the unique (issuer, nonce) decides, no savepoint round trips.
        stored = db.session.scalar(
            _insert_ignoring_conflict(
                UsedNonce, issuer=str(body["iss"]), nonce=nonce, expires_at=expires
            ).returning(UsedNonce.id)
        )
        if stored is None:
            raise LaunchRejected("nonce already used (replayed id_token)", REPLAY)


PURGE_EVERY_SECONDS = 60.0
_last_purge = [0.0]


def _purge_expired_nonces() -> None:
    """Delete used nonces past their expiry, at most once a minute per process: a row kept a
    little longer only refuses a replay longer (its id_token has expired anyway)."""
    now = time.monotonic()
    if now - _last_purge[0] < PURGE_EVERY_SECONDS:
        return
    _last_purge[0] = now
    db.session.execute(delete(UsedNonce).where(UsedNonce.expires_at < utcnow()))


def _insert_ignoring_conflict(model: type[UsedNonce], **values: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return pg_insert(model).values(**values).on_conflict_do_nothing()
    return sqlite_insert(model).values(**values).on_conflict_do_nothing()


def validate_launch() -> StrictMessageLaunch:
    """Validate the POSTed id_token; raise LaunchRejected with the reason."""
    request = FlaskRequest()
    try:
        launch = StrictMessageLaunch(
            request, DatabaseToolConf(), launch_data_storage=launch_storage()
        )
    except LtiException as exc:  # the launch-storage cookie from our login is missing
        raise LaunchRejected(str(exc), COOKIES) from exc
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
