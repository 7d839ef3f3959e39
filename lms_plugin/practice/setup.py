"""Register the practice LMS as a platform of the tool."""

from __future__ import annotations

from sqlalchemy import select

from lms_plugin.db import db
from lms_plugin.lti.frame_ancestors import forget as forget_frame_ancestors
from lms_plugin.lti.models import Deployment, Platform
from lms_plugin.practice import urls
from lms_plugin.practice.keys import ensure_platform_key
from lms_plugin.practice.services import seed_course


def practice_platform() -> Platform | None:
    """The tool's registration of the practice LMS, if any."""
    return db.session.scalar(
        select(Platform).where(
            Platform.issuer == urls.issuer(), Platform.client_id == urls.CLIENT_ID
        )
    )


def register_practice_platform() -> Platform:
    """Idempotent: the platform key, the registration and deployment, and the seeded course.

    URLs follow config (PRACTICE_ISSUER, else SERVER_NAME), so re-running after a change updates
    them. Commits: it is called from `flask init` and from the set-up button.
    """
    ensure_platform_key()
    platform = practice_platform()
    if platform is None:
        platform = Platform(issuer=urls.issuer(), client_id=urls.CLIENT_ID)
        db.session.add(platform)
    platform.name = "Practice LMS"
    platform.auth_login_url = urls.platform_url("/auth")
    platform.auth_token_url = urls.platform_url("/token")
    platform.key_set_url = urls.platform_url("/jwks")
    platform.auth_audience = None
    platform.registered_via = "practice"
    platform.is_active = True
    db.session.flush()
    deployed = {d.deployment_id for d in platform.deployments}
    if urls.DEPLOYMENT_ID not in deployed:
        platform.deployments.append(Deployment(deployment_id=urls.DEPLOYMENT_ID))
    seed_course()
    db.session.commit()
    forget_frame_ancestors()
    return platform
