"""Launch test fixtures: a Moodle-like platform that signs id_tokens, and an https client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms_plugin.lti.http import EXTENSION, mount_adapter
from tests.lti.launch_platform import TOOL, LaunchPlatform
from tests.lti.service_fixtures import course, stub  # noqa: F401 - AGS/NRPS tests
from tests.practice_platform import practice_lms  # noqa: F401 - end-to-end tests


@pytest.fixture
def moodle(app_ctx: Flask) -> Iterator[LaunchPlatform]:
    """A registered platform whose JWKS the tool reaches through a requests transport."""
    platform = LaunchPlatform()
    mount_adapter(app_ctx, platform.issuer + "/", platform)
    platform.register()
    yield platform
    app_ctx.extensions.get(EXTENSION, {}).pop(platform.issuer + "/", None)


@pytest.fixture
def tool(app: Flask) -> FlaskClient:
    """A browser talking to the tool over HTTPS (cookies are Secure; SameSite=None; Partitioned)."""
    # With SERVER_NAME and PREFERRED_URL_SCHEME=https the test client speaks https by default.
    assert f"{app.config['PREFERRED_URL_SCHEME']}://{app.config['SERVER_NAME']}" == TOOL
    client = app.test_client()
    english(client)
    return client


def english(client: FlaskClient) -> None:
    """Show pages in English (the programme default is Hungarian); a launch then uses its locale."""
    with client.session_transaction() as sess:
        sess["lang"] = "en"
