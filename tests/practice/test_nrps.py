"""The roster as Moodle serves it: short roles, a Link header for paging (in both spellings)."""

from __future__ import annotations

import requests
from flask.testing import FlaskClient

from tests.practice_platform import PracticeLms, next_link, run_launch

NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


def _token(practice_lms: PracticeLms) -> str:
    return practice_lms.service_connector().get_access_token([NRPS_SCOPE])


def test_paging_returns_all_ten_members(client: FlaskClient, practice_lms: PracticeLms) -> None:
    url: str | None = run_launch(client, "eva", target="home").claims[NRPS][
        "context_memberships_url"
    ]
    token = _token(practice_lms)
    members: list[dict[str, object]] = []
    headers: list[str] = []
    url = f"{url}?limit=4"
    while url:
        answer = requests.get(
            url, headers={"Authorization": f"Bearer {token}", "Accept": MEDIA}, timeout=5
        )
        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == MEDIA
        body = answer.json()
        assert body["context"]["id"] == "2"
        members += body["members"]
        headers.append(answer.headers.get("Link", ""))
        url = next_link(answer.headers.get("Link"))
    assert len(members) == 10 and len({m["user_id"] for m in members}) == 10
    assert len(headers) == 3
    assert headers[0].startswith("<") and headers[0].endswith(">;rel=next")
    assert not headers[1].startswith("<") and headers[1].endswith(";rel=next")
    assert headers[2] == ""
    roles = {m["name"]: m["roles"] for m in members}
    assert roles["Kovács Anna"] == ["Learner"] and roles["Nagy Éva"] == ["Instructor"]
    assert roles["Papp Judit"] == ["Learner"]  # on the roster though she never launched


def test_without_limit_one_page_and_role_filter(practice_lms: PracticeLms) -> None:
    url = f"{practice_lms.issuer}/contexts/2/memberships"
    auth = {"Authorization": f"Bearer {_token(practice_lms)}"}
    everyone = requests.get(url, headers=auth, timeout=5)
    assert len(everyone.json()["members"]) == 10 and "Link" not in everyone.headers
    teachers = requests.get(url, params={"role": "Instructor"}, headers=auth, timeout=5)
    assert {m["name"] for m in teachers.json()["members"]} == {"Nagy Éva", "Horváth Zsuzsa"}
    assert requests.get(url, params={"limit": "x"}, headers=auth, timeout=5).status_code == 400


def test_roster_needs_a_token_with_the_nrps_scope(practice_lms: PracticeLms) -> None:
    url = f"{practice_lms.issuer}/contexts/2/memberships"
    assert requests.get(url, timeout=5).status_code == 401
    connector = practice_lms.service_connector()
    score_only = connector.get_access_token(["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
    answer = requests.get(url, headers={"Authorization": f"Bearer {score_only}"}, timeout=5)
    assert answer.status_code == 403
    other = requests.get(
        f"{practice_lms.issuer}/contexts/99/memberships",
        headers={"Authorization": f"Bearer {_token(practice_lms)}"},
        timeout=5,
    )
    assert other.status_code == 404
