"""Issue 14 item 14: malformed input answers 400/404/422, never 500 (SQLite and PostgreSQL).

Each case was a 500 before the input layer: "²".isdigit() is True but int("²") fails; ids
past 2**31 / 2**63 overflow the database driver; a JSON list reaches `.get()`; NUL bytes and lone
surrogates cannot be stored (PostgreSQL refuses NUL, UTF-8 refuses surrogates).
"""

from __future__ import annotations

import pytest
from flask import Flask

from lms_plugin.input_guard import MAX_ID, clean_json, parse_int
from tests.security.world import World, seed_world

BASE = "https://tool.test"
HUGE = (str(2**31), str(2**63), str(2**64), "9" * 40)


@pytest.fixture
def world(app_ctx: Flask) -> World:
    return seed_world()


@pytest.mark.parametrize("number", ("²", "٣", *HUGE))
@pytest.mark.parametrize(
    ("visitor", "path", "name"),
    [
        ("coordinator", "/coordination/helpers", "school"),
        ("coordinator", "/coordination/", "centre"),
        ("coordinator", "/coordination/mentors", "school"),
        ("coordinator", "/certificates", "school"),
    ],
)
def test_numbers_in_query_strings(
    app: Flask, world: World, visitor: str, path: str, name: str, number: str
) -> None:
    response = world.client(app, visitor).get(path, query_string={name: number}, base_url=BASE)
    assert response.status_code == 200  # ignored like any other filter that matches nothing


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("visitor", "path"),
    [
        ("trainer", "/grading/submissions/{n}"),
        ("trainee", "/grading/files/{n}"),
        ("coordinator", "/coordination/helpers/{n}"),
        ("trainer", "/progress/trainee/{n}"),
    ],
)
def test_ids_in_paths_too_big_for_a_column_are_not_found(
    app: Flask, world: World, visitor: str, path: str, number: str
) -> None:
    response = world.client(app, visitor).get(path.format(n=number), base_url=BASE)
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "abc", str(2**63)])
def test_numbers_in_forms(app: Flask, world: World, value: str) -> None:
    trainer = world.client(app, "trainer")
    submission = world.ids["anna_submission"]
    allocate = trainer.post(
        f"/grading/submissions/{submission}/allocate", data={"marker_id": value}, base_url=BASE
    )
    assert allocate.status_code == 422  # "Choose a trainer of this course."
    reopen = trainer.post(
        f"/grading/submissions/{submission}/reopen", data={"version": value}, base_url=BASE
    )
    assert 300 <= reopen.status_code < 500


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "true"])
def test_json_that_is_not_an_object_is_refused(app: Flask, world: World, body: str) -> None:
    response = world.client(app, "trainer").post(
        "/grading/comments", data=body, content_type="application/json", base_url=BASE
    )
    assert response.status_code == 400
    assert response.get_json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "a\\u0000b"}',
        '{"text": "\\ud800"}',
        '{"text": ["ok", {"deep": "x\\udfff"}]}',
        '{"te\\u0000xt": "key with NUL"}',
    ],
)
def test_json_with_nul_or_lone_surrogates_is_refused(app: Flask, world: World, body: str) -> None:
    response = world.client(app, "trainer").post(
        "/grading/comments", data=body, content_type="application/json", base_url=BASE
    )
    assert response.status_code == 400
    assert "NUL" in response.get_json()["message"]


def test_nul_in_forms_queries_and_paths_is_refused(app: Flask, world: World) -> None:
    trainer = world.client(app, "trainer")
    assert (
        trainer.post("/grading/comments", data={"text": "a\x00b"}, base_url=BASE).status_code == 400
    )
    coordinator = world.client(app, "coordinator")
    assert coordinator.get("/coordination/helpers?q=a%00b", base_url=BASE).status_code == 400
    assert app.test_client().get("/verify/AB%00CD", base_url=BASE).status_code == 400


def test_clean_input_still_goes_through(app: Flask, world: World) -> None:
    response = world.client(app, "trainer").post(
        "/grading/comments", json={"text": "Jó munka! ✓"}, base_url=BASE
    )
    assert response.status_code == 201


def test_parse_int_accepts_only_ascii_digits_in_range() -> None:
    assert parse_int("42") == 42 and parse_int(" 7 ") == 7
    assert parse_int(str(MAX_ID)) == MAX_ID
    for bad in ("²", "٣", "", "-", "1e3", "0x10", str(MAX_ID + 1), "9" * 5000, None, 1.5, True):
        assert parse_int(bad) is None, bad
    assert parse_int("-5") is None and parse_int("-5", minimum=-10) == -5


def test_clean_json_walks_deep_values_without_recursion() -> None:
    deep: object = "x\x00"
    for _ in range(5000):
        deep = [deep]
    assert not clean_json({"a": deep})
    assert clean_json({"a": [1, "b", {"c": None}]})
