"""The coordinators page at national scale: a text field per person instead of a list of every
centre (the page stays small), suggestions from a JSON endpoint (accents ignored, Hungarian order,
at most 20, administrators of the tenant only, calm on hostile input), and a grant sent without
JavaScript: the typed text is resolved, or asked again with the candidates (422)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role, User
from lms_plugin.admin.grant_targets import MAX_SUGGESTIONS
from lms_plugin.coordination.models import CoordinatorGrant, Programme, TrainingCentre
from lms_plugin.db import db
from tests.conftest import Factory, login
from tests.coordination.conftest import Org
from tests.lti.conftest import english

URL = "/admin/coordinators/grant-targets.json"
# Towns of the 100 centres: "Győri …", "Pécsi …" (the org fixture adds "Baranya Vármegyei SZC").
TOWNS = ["Győr", "Pécs", "Szeged", "Debrecen", "Miskolc", "Eger", "Érd", "Ózd", "Sopron", "Tata"]


def _centres(org: Org, count: int = 100) -> dict[str, TrainingCentre]:
    """`count` centres in the org's programme, one per town and number; by code."""
    made = {}
    for i in range(count):
        town = TOWNS[i % len(TOWNS)]
        centre = TrainingCentre(
            programme_id=org.programme.id,
            code=f"SZC{i:03d}",
            name=f"{town}i Szakképzési Centrum {i:03d}",
            municipality=town,
        )
        db.session.add(centre)
        made[centre.code] = centre
    db.session.flush()
    return made


def _admin(org: Org, make: Factory, client: FlaskClient) -> User:
    admin = make.user(org.context, Role.ADMIN, name="Admin Zsuzsa")
    db.session.commit()
    login(client, admin, Role.ADMIN, org.context)
    english(client)
    return admin


def _suggest(client: FlaskClient, q: str) -> dict[str, Any]:
    response = client.get(URL, query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found: dict[str, Any] = response.get_json()
    return found


def _grants(user: User) -> list[CoordinatorGrant]:
    return list(
        db.session.scalars(select(CoordinatorGrant).where(CoordinatorGrant.user_id == user.id))
    )


def test_the_page_stays_small_at_100_centres(org: Org, make: Factory, client: FlaskClient) -> None:
    _centres(org)
    for i in range(60):
        make.user(org.context, Role.TRAINEE, name=f"Tanár {i:03d}", is_coordinator=True)
    _admin(org, make, client)
    response = client.get("/admin/coordinators")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # Before: every centre on every row (480 KB here); now a text field per person.
    assert len(response.get_data()) < 100_000, len(response.get_data())  # 86 KB now
    assert "<option" not in html and "Szakképzési Centrum" not in html
    assert html.count('name="target_q"') == 50  # the people list still pages: 50 of 61
    assert "Showing 1–50 of 61" in html
    assert re.search(r'src="/static/js/combobox\.js\?v=[0-9a-f]{12}"', html)
    assert 'data-combobox-url="/admin/coordinators/grant-targets.json"' in html
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_suggestions_ignore_accents_and_are_limited(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    _centres(org)
    _admin(org, make, client)
    gyor = _suggest(client, "gyor")
    labels = [i["label"] for i in gyor["items"]]
    assert labels and all(label.startswith("Győri Szakképzési Centrum") for label in labels)
    assert labels[0] == "Győri Szakképzési Centrum 000 (Győr, SZC000)"
    assert gyor["items"][0]["value"].startswith("c:") and not gyor["more"]
    assert len(labels) == 10  # Győr's ten centres, and only those
    assert _suggest(client, "GYŐRI szakkepzesi 050")["items"][0]["label"].startswith(
        "Győri Szakképzési Centrum 050"
    )
    assert _suggest(client, "szc046")["items"][0]["label"].startswith("Érdi")  # by code
    everything = _suggest(client, "centrum")
    assert len(everything["items"]) == MAX_SUGGESTIONS == 20 and everything["more"] is True
    assert _suggest(client, "")["items"] == [] and _suggest(client, "xyzzy")["items"] == []
    whole = _suggest(client, "pilot")["items"][0]
    assert whole == {
        "value": f"p:{org.programme.id}",
        "label": "Pilot 2026/27 (whole programme)",
        "programme": "Pilot 2026/27",
    }


def test_suggestions_follow_the_hungarian_alphabet(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    for town in ("Pápai", "Ózdi", "Orosházi", "Érdi", "Egri", "Csornai", "Ceglédi"):
        db.session.add(
            TrainingCentre(
                programme_id=org.programme.id, code=town[:4], name=f"{town} Technikum Centrum"
            )
        )
    _admin(org, make, client)
    labels = [i["label"].split()[0] for i in _suggest(client, "technikum centrum")["items"]]
    # á/é/ó sort with their base letters, cs after c (a byte order puts É and Ó after Z).
    assert labels == ["Ceglédi", "Csornai", "Egri", "Érdi", "Orosházi", "Ózdi", "Pápai"]


def test_suggestions_are_for_the_administrators_of_the_tenant(
    org: Org, make: Factory, client: FlaskClient, app: Any
) -> None:
    _centres(org, 10)
    trainee = make.user(org.context, Role.TRAINEE)
    db.session.commit()
    assert client.get(URL, query_string={"q": "gyor"}).status_code == 401  # not launched
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    assert client.get(URL, query_string={"q": "gyor"}).status_code == 403
    login(client, trainee, Role.TRAINEE, org.context)
    assert client.get(URL, query_string={"q": "gyor"}).status_code == 403
    # The administrator of another platform sees their own tenant's centres: none of these.
    elsewhere = make.context(make.platform(issuer="https://other.example", client_id="x"))
    other_admin = make.user(elsewhere, Role.ADMIN, name="Admin Máshol")
    db.session.commit()
    other = app.test_client()
    login(other, other_admin, Role.ADMIN, elsewhere)
    assert other.get(URL, query_string={"q": "gyor"}).get_json()["items"] == []
    _admin(org, make, client)
    assert len(_suggest(client, "gyor")["items"]) == 1


HOSTILE = [
    "a" * 5000,
    "%",
    "_",
    "\\",
    "%_%\\%",
    "' OR 1=1 --",
    '"; DROP TABLE training_centres; --',
    "\u202egyor",  # right-to-left override
    "gyo\u0301r",  # a combining accent
    "\ufeff\u200b\u200d",
    "🙂" * 60,
    "\U0010ffff\U000e0001",
    "Ǆ ǅ ß ﬁ",
    " ".join(["gyor"] * 50),
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_text_is_an_empty_answer_or_a_4xx(
    org: Org, make: Factory, client: FlaskClient, q: str
) -> None:
    _centres(org, 10)
    _admin(org, make, client)
    response = client.get(URL, query_string={"q": q})
    assert response.status_code < 500
    if response.status_code == 200:
        assert len(response.get_json()["items"]) <= MAX_SUGGESTIONS
        assert response.mimetype == "application/json"
    else:
        assert 400 <= response.status_code < 500


def test_nul_and_malformed_query_strings_are_refused(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    _admin(org, make, client)
    assert client.get(URL + "?q=%00gyor").status_code == 400
    for query in ("?q=%ff%fe", "?q=%ED%A0%80", "?q=a&q=b", "?qq=1", "?q[]=x"):
        response = client.get(URL + query)
        assert response.status_code < 500, query
        if response.status_code == 200:
            assert len(response.get_json()["items"]) <= MAX_SUGGESTIONS, query


def test_a_grant_without_javascript_resolves_the_typed_text_and_is_recorded(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    centres = _centres(org)
    kata = org.coordinator
    admin = _admin(org, make, client)
    page = client.get("/admin/coordinators").get_data(as_text=True)
    form = re.search(
        rf'<form method="post" action="/admin/coordinators/{kata.id}/grants".*?</form>', page, re.S
    )
    assert form and 'name="csrf_token"' in form.group(0) and 'name="target_q"' in form.group(0)
    # One centre named by its code (the field as sent by a browser without JavaScript).
    sent = client.post(f"/admin/coordinators/{kata.id}/grants", data={"target_q": "szc050"})
    assert sent.status_code == 302
    granted = {g.centre_id: g for g in _grants(kata)}
    grant = granted[centres["SZC050"].id]
    assert grant.granted_by_id == admin.id and grant.created_at is not None  # who and when
    shown = client.get("/admin/coordinators").get_data(as_text=True)
    assert (
        "Granted to Koordinátor Kata: Pilot 2026/27 · Győri Szakképzési Centrum 050 "
        "(Győr, SZC050)." in shown
    )
    assert "Pilot 2026/27 · Győri Szakképzési Centrum 050" in shown  # in her list of grants
    # The picker's own label, accents and case aside.
    client.post(
        f"/admin/coordinators/{kata.id}/grants",
        data={"target_q": "erdi szakkepzesi centrum 006 (erd, szc006)", "target": ""},
    )
    assert centres["SZC006"].id in {g.centre_id for g in _grants(kata)}


def test_several_or_no_matches_ask_again_next_to_the_field(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    centres = _centres(org)
    kata = org.coordinator
    _admin(org, make, client)
    before = len(_grants(kata))
    url = f"/admin/coordinators/{kata.id}/grants"
    several = client.post(url, data={"target_q": "gyor"})
    html = several.get_data(as_text=True)
    assert several.status_code == 422 and len(_grants(kata)) == before
    assert "Several programmes or training centres match “gyor”: choose one." in html
    assert f'aria-describedby="target-{kata.id}-error grant-help" aria-invalid="true"' in html
    assert f'id="target-{kata.id}-error" role="alert"' in html
    assert 'value="gyor"' in html and 'name="csrf_token"' in html
    choices = re.findall(r'name="choice" value="(c:\d+)"', html)
    assert len(choices) == 10
    # The Grant button comes before the candidates: Enter in the field never grants one of them.
    assert html.index(">Grant</button>") < html.index('name="choice"')
    chosen = client.post(url, data={"target_q": "gyor", "target": "", "choice": choices[3]})
    assert chosen.status_code == 302
    assert centres["SZC030"].id in {g.centre_id for g in _grants(kata)}

    many = client.post(url, data={"target_q": "centrum"}).get_data(as_text=True)
    assert "More match: type more of the name." in many
    assert len(re.findall(r'name="choice"', many)) == 10
    unknown = client.post(url, data={"target_q": "Xyzzy"})
    assert unknown.status_code == 422
    assert "No programme or training centre matches “Xyzzy”." in unknown.get_data(as_text=True)
    empty = client.post(url, data={"target_q": "   "})
    assert empty.status_code == 422
    assert "Type the name, code or town" in empty.get_data(as_text=True)
    hostile = client.post(url, data={"target_q": "%_\\" * 200})
    assert hostile.status_code == 422


def test_the_whole_programme_and_the_picker_value_still_work(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    centres = _centres(org, 3)
    kata = make.user(org.context, Role.TRAINEE, name="Új Koordinátor", is_coordinator=True)
    _admin(org, make, client)
    url = f"/admin/coordinators/{kata.id}/grants"
    assert client.post(url, data={"target_q": "Pilot 2026/27 (whole programme)"}).status_code == 302
    assert [(g.programme_id, g.centre_id) for g in _grants(kata)] == [(org.programme.id, None)]
    # What the combobox sends: the chosen value wins over the text.
    picked = f"c:{centres['SZC001'].id}"
    client.post(url, data={"target_q": "anything", "target": picked})
    assert centres["SZC001"].id in {g.centre_id for g in _grants(kata)}


def test_another_tenants_centre_is_neither_found_nor_granted(
    org: Org, make: Factory, client: FlaskClient
) -> None:
    theirs = Programme(
        name="Másik program", year_ends_on=date(2027, 6, 30), issuer="https://other.example"
    )
    db.session.add(theirs)
    db.session.flush()
    hidden = TrainingCentre(programme_id=theirs.id, code="ZZZ", name="Zalaegerszegi SZC")
    db.session.add(hidden)
    db.session.flush()
    kata = org.coordinator
    _admin(org, make, client)
    url = f"/admin/coordinators/{kata.id}/grants"
    assert _suggest(client, "zalaegerszeg")["items"] == []
    assert client.post(url, data={"target_q": "ZZZ"}).status_code == 422
    assert client.post(url, data={"target": f"c:{hidden.id}"}).status_code == 404
    assert not [g for g in _grants(kata) if g.programme_id == theirs.id]
