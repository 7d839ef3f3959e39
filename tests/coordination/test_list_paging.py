"""Paging at scale: a page in the second half read backwards is the same page; searches by a
school's town; the audit log's order, last page and actor filter."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from lms_plugin.accounts.models import Role, User
from lms_plugin.coordination.audit import services as audit
from lms_plugin.coordination.models import HelperAuditLog, School
from lms_plugin.coordination.peer_helpers import lists as helper_lists
from lms_plugin.db import db
from lms_plugin.listing import parse_args
from tests.conftest import login
from tests.coordination.conftest import Org
from tests.coordination.test_lists import _helper, _row_heads

NAMES = ["Ágota", "Béla", "Csaba", "Cecil", "Győző", "Gál", "Ödön", "Olga", "Zsolt", "Zoé", "Éva"]


def _pages(org: Org, sort: str, per_page: int, q: str = "") -> list[list[str]]:
    f = helper_lists.HelperFilter(programme_id=org.programme.id, query=q)
    out = []
    for number in range(1, 40):
        args = parse_args(
            {"sort": sort, "page": str(number), "q": q}, tuple(helper_lists.HELPER_SORTS), "school"
        )
        args = type(args)(args.page, per_page, args.q, args.sort, args.descending)
        page = helper_lists.page(f, org.coordinator, args)
        out.append([r.display_name for r in page.items])
        if number >= page.pages:
            break
    return out


def test_every_page_forwards_or_backwards_joins_into_one_order(org: Org) -> None:
    for i, name in enumerate(NAMES * 3):
        _helper(org, org.schools[i % 2], f"{name} {'ABC'[i // len(NAMES)]}.")
    db.session.commit()
    for sort in ("name", "-name", "school", "-year"):
        whole = _pages(org, sort, 200)
        assert len(whole) == 1 and len(whole[0]) == 33
        pages = _pages(org, sort, 4)  # pages 5–9 are read backwards from the end
        assert len(pages) == 9 and [len(p) for p in pages] == [4] * 8 + [1]
        assert [name for p in pages for name in p] == whole[0], sort
    by_name = _pages(org, "name", 200)[0]
    assert by_name[:3] == ["Ágota A.", "Ágota B.", "Ágota C."]
    assert by_name.index("Csaba A.") > by_name.index("Cecil C.")  # cs after c
    assert by_name.index("Ödön A.") > by_name.index("Olga C.")  # ö after o


def test_helpers_are_found_by_their_schools_town(org: Org, client: FlaskClient) -> None:
    gyor = School(
        programme_id=org.programme.id,
        centre_id=org.centre.id,
        code="GY1",
        name="Jedlik Ányos Gépipari Technikum",
        municipality="Győr",
        target_helpers=2,
    )
    db.session.add(gyor)
    db.session.flush()
    _helper(org, gyor, "Lili K.")
    _helper(org, org.schools[0], "Győző K.")
    _helper(org, org.schools[1], "Anna B.")
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    pid = org.programme.id
    found = client.get(f"/coordination/helpers?programme={pid}&q=gyo").get_data(as_text=True)
    assert sorted(_row_heads(found)) == ["Győző K.", "Lili K."]  # a name, and a town
    assert "Showing 1–2 of 2" in found
    both = client.get(f"/coordination/helpers?programme={pid}&q=lili+gyor").get_data(as_text=True)
    assert _row_heads(both) == ["Lili K."]  # every word, in any of the columns
    none = client.get(f"/coordination/helpers?programme={pid}&q=szeged").get_data(as_text=True)
    assert _row_heads(none) == [] and "Nothing matches" in none


def test_audit_log_order_last_page_and_actor(org: Org, client: FlaskClient, make: object) -> None:
    helper = _helper(org, org.schools[0], "Anna K.")
    other = make.user(org.context, Role.TRAINEE, name="Szabó Gábor", is_coordinator=True)  # type: ignore[attr-defined]
    db.session.flush()
    for i in range(230):
        actor = other if i % 10 == 0 else org.coordinator
        audit.record(actor.id, audit.VIEW, helper.id, org.schools[0].id, detail=f"n{i:03d}")
    db.session.flush()
    for row in db.session.query(HelperAuditLog):
        row.at = datetime(2026, 9, 1, tzinfo=UTC)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)

    def details(html: str) -> list[str]:
        return [d for d in (f"n{i:03d}" for i in range(230)) if f">{d}<" in html]

    newest = client.get("/coordination/audit").get_data(as_text=True)
    assert "Showing 1–100 of 230" in newest and "n229" in details(newest)
    last = client.get("/coordination/audit?page=3").get_data(as_text=True)
    assert "Showing 201–230 of 230" in last
    assert details(last) == [f"n{i:03d}" for i in range(30)]
    oldest = client.get("/coordination/audit?sort=at").get_data(as_text=True)
    assert details(oldest) == [f"n{i:03d}" for i in range(100)]
    gabor = client.get("/coordination/audit?actor=gabor").get_data(as_text=True)
    assert "Showing 1–23 of 23" in gabor
    assert db.session.get(User, other.id) is not None
