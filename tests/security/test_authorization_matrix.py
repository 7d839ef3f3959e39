"""Every route × every kind of visitor, generated from app.url_map: nobody gets what they may not.

The table is tests/security/policy.py; a route missing from it fails here, so a new route cannot
escape the matrix.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule as UrlRule

from tests.security.policy import LTI, POLICY, PRACTICE, PUBLIC, SERVICE, Rule
from tests.security.world import VISITORS, World

DENIED = (401, 403, 404)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def routes(app: Flask) -> list[tuple[UrlRule, str]]:
    """(rule, method) for every routed method except HEAD/OPTIONS, GETs first."""
    pairs = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
    return sorted(pairs, key=lambda p: (p[1] in WRITE_METHODS, p[0].endpoint, p[0].rule))


def build_url(app: Flask, rule: UrlRule, policy: Rule, world: World) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments:
        spec = policy.params.get(name)
        assert spec is not None, f"{rule.endpoint}: say in policy.py which object <{name}> names"
        values[name] = spec[1:] if spec.startswith("=") else world.ids[spec]
    with app.test_request_context():
        return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def test_every_route_is_in_the_policy_table(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - POLICY.keys())
    assert not missing, f"add these endpoints to tests/security/policy.py: {missing}"
    stale = sorted(POLICY.keys() - endpoints)
    assert not stale, f"these endpoints no longer exist; remove them from policy.py: {stale}"


def _call(app: Flask, world: World, visitor: str, method: str, url: str) -> tuple[int, str]:
    client = world.client(app, visitor)  # a fresh browser: an earlier POST may have logged out
    response = client.open(url, method=method, base_url="https://tool.test")
    return response.status_code, response.get_data()[:300].decode("utf-8", "replace")


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_authorization_matrix(app: Flask, world: World, visitor: str) -> None:
    """No 5xx for anyone; 401/403/404 wherever the table denies; the page wherever it allows."""
    problems: list[str] = []
    checked = 0
    for rule, method in routes(app):
        policy = POLICY.get(rule.endpoint)
        if policy is None:
            continue  # reported by test_every_route_is_in_the_policy_table
        url = build_url(app, rule, policy, world)
        status, body = _call(app, world, visitor, method, url)
        checked += 1
        where = f"{visitor} {method} {url} ({rule.endpoint}) -> {status}"
        if status >= 500:
            problems.append(f"{where}: server error {body!r}")
        elif visitor in policy.denied_to():
            if status not in DENIED:
                problems.append(f"{where}: must be refused with 401/403/404")
            elif visitor == "anonymous" and status == 404 and policy.kind == "roles":
                problems.append(f"{where}: anonymous visitors get 401 (open the tool from Moodle)")
        elif policy.kind == "roles" and visitor in policy.allowed:
            refused = (401, 403) if policy.may_404 or method in WRITE_METHODS else DENIED
            if status in refused:
                problems.append(f"{where}: must be allowed")
        elif (
            policy.kind == SERVICE
            and visitor == "anonymous"
            and status not in (400, 401, 403, 404, 405)
        ):
            problems.append(f"{where}: a service API without credentials must refuse")
        elif policy.kind not in (PUBLIC, LTI, PRACTICE, SERVICE, "roles"):
            problems.append(f"{where}: unknown kind {policy.kind}")
    assert checked > 80
    assert not problems, "\n".join(problems)


def test_trainee_objects_are_refused_across_owners(app: Flask, world: World) -> None:
    """Béla's file, certificate and submission are Béla's: Anna gets 404, not the bytes."""
    anna = world.client(app, "trainee")
    for url in (
        f"/grading/files/{world.ids['bela_file']}",
        f"/certificate/{world.ids['bela_cert']}.pdf",
        f"/certificate/{world.ids['bela_cert']}/badge.jwt",
    ):
        response = anna.get(url, base_url="https://tool.test")
        assert response.status_code in (403, 404), url
        assert b"%PDF" not in response.data
    own = anna.get(f"/grading/files/{world.ids['anna_file']}", base_url="https://tool.test")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    assert "attachment" in own.headers["Content-Disposition"]
