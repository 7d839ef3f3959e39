"""Access tokens: client assertion, text/html JSON, cache per (issuer, client_id, scopes)."""

from __future__ import annotations

import jwt
import pytest

from lms_plugin.lti import keys
from lms_plugin.lti.tokens import (
    SCOPE_LINEITEM,
    SCOPE_NRPS,
    SCOPE_SCORE,
    ServiceError,
    access_token,
    service_request,
)
from tests.lti.service_fixtures import register_stub_platform
from tests.lti.stub_platform import BASE, StubPlatform


def test_token_is_granted_for_a_signed_client_assertion(stub: StubPlatform) -> None:
    platform = register_stub_platform()
    token = access_token(platform, [SCOPE_SCORE, SCOPE_LINEITEM])
    assert len(stub.token_requests) == 1
    form = stub.token_requests[0]
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert form["scope"] == f"{SCOPE_LINEITEM} {SCOPE_SCORE}"  # sorted
    header = jwt.get_unverified_header(form["client_assertion"])
    assert header["kid"] == keys.active_key().kid
    # The platform (lti1p3platform) verified the assertion against our JWKS and signed the token.
    assert stub.tokens_issued == [("tool-client", f"{SCOPE_LINEITEM} {SCOPE_SCORE}", token)]


def test_token_php_text_html_json_is_parsed(stub: StubPlatform) -> None:
    platform = register_stub_platform()
    token = access_token(platform, [SCOPE_SCORE])
    issued = jwt.decode(token, options={"verify_signature": False})
    assert issued["sub"] == "tool-client"


def test_token_is_cached_per_scope_set_in_any_order(stub: StubPlatform) -> None:
    platform = register_stub_platform()
    first = access_token(platform, [SCOPE_SCORE, SCOPE_LINEITEM])
    again = access_token(platform, [SCOPE_LINEITEM, SCOPE_SCORE, SCOPE_SCORE])
    other = access_token(platform, [SCOPE_NRPS])
    assert again == first
    assert other != first
    assert len(stub.token_requests) == 2


def test_two_client_ids_on_one_issuer_do_not_share_tokens(stub: StubPlatform) -> None:
    one = register_stub_platform("client-one")
    two = register_stub_platform("client-two")
    token_one = access_token(one, [SCOPE_SCORE])
    token_two = access_token(two, [SCOPE_SCORE])
    assert token_one != token_two
    assert jwt.decode(token_two, options={"verify_signature": False})["sub"] == "client-two"
    assert access_token(one, [SCOPE_SCORE]) == token_one
    assert [c for c, _, _ in stub.tokens_issued] == ["client-one", "client-two"]


def test_token_close_to_expiry_is_not_reused(stub: StubPlatform) -> None:
    stub.token_expires_in = 30  # less than the safety margin
    platform = register_stub_platform()
    access_token(platform, [SCOPE_SCORE])
    access_token(platform, [SCOPE_SCORE])
    assert len(stub.token_requests) == 2


def test_unreachable_token_endpoint_is_a_stored_reason(stub: StubPlatform) -> None:
    platform = register_stub_platform()
    stub.down = "connection"
    with pytest.raises(ServiceError) as err:
        access_token(platform, [SCOPE_SCORE])
    assert "token endpoint unreachable" in err.value.reason
    assert err.value.retryable


def test_token_endpoint_html_error_page_is_reported(stub: StubPlatform) -> None:
    platform = register_stub_platform()
    stub.down = 500
    with pytest.raises(ServiceError) as err:
        access_token(platform, [SCOPE_SCORE])
    assert "not JSON" in err.value.reason and "500" in err.value.reason


def test_rejected_token_is_renewed_once(stub: StubPlatform) -> None:
    platform = register_stub_platform()
    stale = access_token(platform, [SCOPE_NRPS])
    from lms_plugin.extensions import cache
    from lms_plugin.lti.tokens import cache_key

    cache.set(cache_key(platform, [SCOPE_NRPS]), stale + "broken")
    stub.members = [{"user_id": "31", "roles": ["Learner"]}]
    response = service_request(platform, "GET", f"{BASE}/memberships", [SCOPE_NRPS])
    assert response.status_code == 200
    assert len(stub.token_requests) == 2
