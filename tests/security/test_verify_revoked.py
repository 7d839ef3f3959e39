"""Issue 14 item 15: the public verification page says "revoked" and when, never the reason."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.security.world import seed_world

REASON = "Internal: disciplinary case 2024/17, reported by the school principal"


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_public_page_shows_revoked_and_the_date_but_not_the_reason(
    app_ctx: Flask, lang: str
) -> None:
    world = seed_world(REASON)  # the seeded revoked certificate (Béla's) carries this reason
    client = app_ctx.test_client()
    with client.session_transaction() as sess:
        sess["lang"] = lang  # the language switch of an anonymous visitor
    response = client.get(f"/verify/{world.ids['revoked_code']}", base_url="https://tool.test")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    revoked, revoked_on = {
        "en": ("Revoked", "Revoked on"),
        "hu": ("Visszavonva", "Visszavonás dátuma"),
    }[lang]
    assert revoked in body and revoked_on in body  # the state and its date are public
    assert "disciplinary case" not in body  # the internal reason is not
