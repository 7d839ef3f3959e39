"""Issue 17: the grading queue as fast as Moodle's — paged, searched without accents, sorted in
Hungarian order, filtered; on the grade page previous / next and "mark ready and show next" stay
within the list the trainer came from; refusals are shown beside their field; the outcome the
rubric suggests is preselected. Runs on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.db import db
from lms_plugin.grading import services
from lms_plugin.grading.models import Grade, Submission
from tests.availability_helpers import open_modules
from tests.conftest import Factory
from tests.grading.conftest import ASSIGNMENT, Cohort, as_user, submitted

# Family names in an order a Hungarian reader expects (accented letters beside their base letter,
# cs after c, gy after g, ny after n, sz after s, zs after z, ö/ő after o, ü/ű after u).
HUNGARIAN_ORDER = [
    "Ábrahám Ágnes",
    "Balogh Ágnes",
    "Balogh Márta",
    "Cseh Csaba",
    "Dzsida Dénes",
    "Éles Éva",
    "Gál Gergő",
    "Győri Gyula",
    "Nagy Nóra",
    "Nyári Nándor",
    "Oláh Olga",
    "Ördög Ödön",
    "Őri Őze",
    "Sándor Sára",
    "Szabó Szilvia",
    "Urbán Ubul",
    "Ügyes Ülő",
    "Űrös Űrhajós",
    "Zoltán Zita",
    "Zsigmond Zsófia",
]


def _ids(page: str) -> list[int]:
    """The submissions a queue page lists, in order."""
    return [int(x) for x in re.findall(r'/grading/submissions/(\d+)(?:\?[^"]*)?"', page)]


def _names(page: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in page), key=page.index)


def _people(make: Factory, cohort: Cohort, names: list[str]) -> dict[str, Submission]:
    made: dict[str, Submission] = {}
    for name in reversed(names):  # submitted in the reverse of the expected name order
        person = make.user(cohort.ctx, Role.TRAINEE, name=name)
        open_modules(person.id)
        db.session.commit()
        made[name] = submitted(person, cohort.ctx)
    return made


def test_names_sort_in_hungarian_order_both_ways(
    client: FlaskClient, make: Factory, cohort: Cohort
) -> None:
    _people(make, cohort, HUNGARIAN_ORDER)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    page = client.get("/grading/?sort=name&per_page=50").get_data(as_text=True)
    assert _names(page, HUNGARIAN_ORDER) == HUNGARIAN_ORDER
    backwards = client.get("/grading/?sort=-name").get_data(as_text=True)
    assert _names(backwards, HUNGARIAN_ORDER) == list(reversed(HUNGARIAN_ORDER))
    assert 'aria-sort="descending"' in backwards


def test_search_ignores_accents_and_case(
    client: FlaskClient, make: Factory, cohort: Cohort
) -> None:
    _people(make, cohort, ["Ábrahám Ágnes", "Győri Gyula", "Balogh Márta"])
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    found = client.get("/grading/?q=agnes").get_data(as_text=True)
    assert "Ábrahám Ágnes" in found and "Győri Gyula" not in found
    found = client.get("/grading/?q=GYORI").get_data(as_text=True)
    assert "Győri Gyula" in found and "Ábrahám Ágnes" not in found
    nothing = client.get("/grading/?q=%25_%25").get_data(as_text=True)  # LIKE wildcards are text
    assert "Nothing to show with these filters." in nothing


def test_the_queue_is_paged_on_the_server(
    client: FlaskClient, make: Factory, cohort: Cohort
) -> None:
    names = [f"Tanuló {i:02d}" for i in range(30)]
    _people(make, cohort, names)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    first = client.get("/grading/?sort=name").get_data(as_text=True)
    second = client.get("/grading/?sort=name&page=2").get_data(as_text=True)
    assert len(_ids(first)) == 25 and len(_ids(second)) == 5
    assert not set(_ids(first)) & set(_ids(second))
    assert "1–25 of 30 submissions" in first and "26–30 of 30 submissions" in second
    assert "sort=name&amp;page=2" in first or "page=2&amp;sort=name" in first


def test_filters_marker_and_waiting_since(
    client: FlaskClient, make: Factory, cohort: Cohort
) -> None:
    old = submitted(cohort.anna, cohort.ctx)
    new = submitted(cohort.bela, cohort.ctx)
    assert old.submitted_at is not None
    old.submitted_at -= timedelta(days=8)
    old.allocated_to_id = cohort.co_trainer.id
    db.session.commit()
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    waiting = _ids(client.get("/grading/?waiting=7").get_data(as_text=True))
    assert waiting == [old.id]
    of_kiss = _ids(client.get(f"/grading/?marker={cohort.co_trainer.id}").get_data(as_text=True))
    assert of_kiss == [old.id]
    nobody = _ids(client.get("/grading/?marker=none").get_data(as_text=True))
    assert nobody == [new.id]


def test_hostile_queue_parameters_fall_back_never_fail(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    for query in (
        "page=-1",
        "page=99999999999999999999",
        "sort=';drop table users",
        "marker=1e9",
        "marker=99999999999",
        "waiting=abc",
        "q=" + "á" * 5000,
        "status=<script>",
    ):
        response = client.get(f"/grading/?{query}")
        assert response.status_code == 200, query
        page = client.get(f"/grading/submissions/{sub.id}?{query}")
        assert page.status_code == 200, query


def test_previous_next_and_mark_ready_and_show_next_stay_in_the_list(
    client: FlaskClient, make: Factory, cohort: Cohort
) -> None:
    made = _people(make, cohort, ["Cseh Csaba", "Ábrahám Ágnes", "Győri Gyula", "Gál Gergő"])
    order = [made[n].id for n in ("Ábrahám Ágnes", "Cseh Csaba", "Gál Gergő", "Győri Gyula")]
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    view = "sort=name&status=new"
    page = client.get(f"/grading/submissions/{order[1]}?{view}").get_data(as_text=True)
    assert "2 of 4 in this list" in page
    assert f'href="/grading/submissions/{order[0]}?' in page  # previous
    assert f'href="/grading/submissions/{order[2]}?' in page  # next
    assert 'value="ready-next"' in page
    # Mark ready and show next: the saved one leaves the "not started" list, the next one opens.
    levels = {
        f"level-{c.id}": str(len(c.levels) - 1)
        for c in services.find_assignment(ASSIGNMENT).assignment.rubric
    }
    response = client.post(
        f"/grading/submissions/{order[1]}/grade?{view}",
        data={"version": "0", "outcome": "pass", "action": "ready-next", **levels},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/grading/submissions/{order[2]}?")
    assert "sort=name" in response.headers["Location"]
    assert "status=new" in response.headers["Location"]
    grade = db.session.scalar(select(Grade).where(Grade.submission_id == order[1]))
    assert grade is not None and grade.state == "ready"
    # After the last one: back to the same list.
    response = client.post(
        f"/grading/submissions/{order[3]}/grade?{view}",
        data={"version": "0", "outcome": "pass", "action": "ready-next", **levels},
    )
    assert response.headers["Location"].startswith("/grading/?")
    assert "status=new" in response.headers["Location"]


def test_a_refusal_is_shown_beside_its_field_with_the_input_kept(
    client: FlaskClient, cohort: Cohort
) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    rubric = services.find_assignment(ASSIGNMENT).assignment.rubric
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    response = client.post(
        f"/grading/submissions/{sub.id}/grade",
        data={"version": "0", f"level-{rubric[0].id}": "1", "action": "ready", "feedback": "Jó"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for criterion in rubric[1:]:
        block = page[page.index(f'id="l-{criterion.id}-0"') :]
        error = f'id="err-level-{criterion.id}"'
        assert error in block[: block.index("</fieldset>")]
        assert f'aria-describedby="err-level-{criterion.id}"' in page
    assert f'id="err-level-{rubric[0].id}"' not in page
    assert ">Jó</textarea>" in page


def test_the_suggested_outcome_is_preselected(client: FlaskClient, cohort: Cohort) -> None:
    sub = submitted(cohort.anna, cohort.ctx)
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    page = client.get(f"/grading/submissions/{sub.id}").get_data(as_text=True)
    # Nothing chosen yet: 0 points, attempts left — "needs revision" is suggested and checked.
    assert re.search(r'id="o-needs_revision" value="needs_revision"\s+checked', page)
    assert not re.search(r'id="o-pass" value="pass"\s+checked', page)
    assert 'data-preselected="true"' in page


def test_a_queue_page_is_a_fixed_number_of_queries(
    client: FlaskClient, make: Factory, cohort: Cohort
) -> None:
    """One page of the queue is a fixed number of queries, whatever its length."""
    from sqlalchemy import event

    _people(make, cohort, [f"Tanuló {i:02d}" for i in range(12)])
    as_user(client, cohort.trainer, Role.TRAINER, cohort.ctx)
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("q")

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/grading/?per_page=5")
        small = len(counted)
        counted.clear()
        client.get("/grading/")
        large = len(counted)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert large == small
