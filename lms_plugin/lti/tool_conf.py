"""pylti1p3's tool configuration from the database (several issuers, client_ids, deployments)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select

from lms_plugin import request_cache
from lms_plugin.db import db
from lms_plugin.lti import keys
from lms_plugin.lti.models import Deployment, Platform


class KeyedRegistration(Registration):
    """A Registration whose JWT headers carry our kid (pylti1p3 would derive none)."""

    def __init__(self, kid: str) -> None:
        super().__init__()
        self._our_kid = kid

    def get_kid(self) -> str | None:
        return self._our_kid


def registration_for(platform: Platform) -> Registration:
    """A pylti1p3 Registration with the tool's active key."""
    key = keys.active_key()
    reg = KeyedRegistration(key.kid)
    reg.set_issuer(platform.issuer)
    reg.set_client_id(platform.client_id)
    reg.set_auth_login_url(platform.auth_login_url)
    reg.set_auth_token_url(platform.auth_token_url)
    reg.set_key_set_url(platform.key_set_url)
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    reg.set_tool_private_key(key.private_pem)
    reg.set_tool_public_key(key.public_pem)
    return reg


def deployment_of(platform: Platform, deployment_id: str) -> Deployment | None:
    """The platform's deployment `deployment_id`, read once per request."""
    return request_cache.once(
        ("deployment", platform.id, deployment_id),
        lambda: db.session.scalar(
            select(Deployment).where(
                Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
            )
        ),
    )


class DatabaseToolConf(ToolConfAbstract[Any]):
    """Every issuer may have several client_ids; lookups are by (issuer, client_id)."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_platform(self, iss: str, client_id: str | None) -> Platform | None:
        """The active platform for issuer + client_id (client_id may be omitted if unique);
        read once per request (login and launch ask for it in several places)."""
        practice = bool(current_app.config.get("PRACTICE_LMS_ENABLED"))
        found = request_cache.once(
            ("active-platform", iss, client_id, practice),
            lambda: self._query_platform(iss, client_id),
        )
        if found is not None:
            request_cache.remember(("platform", found.issuer, found.client_id), found)
        return found

    def _query_platform(self, iss: str, client_id: str | None) -> Platform | None:
        query = select(Platform).where(Platform.issuer == iss, Platform.is_active)
        if not current_app.config.get("PRACTICE_LMS_ENABLED"):
            # a database copied from a laptop must not let the practice LMS launch in production
            query = query.where(Platform.registered_via != "practice")
        if client_id:
            query = query.where(Platform.client_id == client_id)
        rows = db.session.scalars(query.limit(2)).all()
        return rows[0] if len(rows) == 1 else None

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        platform = self.find_platform(iss, None)
        return registration_for(platform) if platform else None  # type: ignore[return-value]

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = self.find_platform(iss, client_id)
        return registration_for(platform) if platform else None  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> LibDeployment | None:
        return None

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LibDeployment | None:
        platform = self.find_platform(iss, client_id)
        row = deployment_of(platform, deployment_id) if platform else None
        return LibDeployment().set_deployment_id(row.deployment_id) if row else None
