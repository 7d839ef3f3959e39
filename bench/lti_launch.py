"""Login + launch + the landing page: the tool against a bare Flask app doing the unavoidable work.

Tool (in-process, time of the tool only): the OIDC login, the launch (id_token verified, state and
nonce checked, the nonce stored, user, context, membership and link upserted), the cookie check
(`/lti/continue`) and the landing page the learner sees.

Baseline in the same run, same database (same schema), same process: a bare Flask app that does
what no launch can skip: a login that stores state + nonce in a cache and sets the state cookie,
then a launch that checks the state cookie, takes the nonce out of the cache, verifies the RS256
id_token against the platform key, stores the nonce (INSERT), upserts the user (SELECT + UPDATE)
and renders a small page. Measured A B A B A B (3 repetitions, interleaved).
Target: tool median ≤ 1.25 × baseline median. Run: .venv/bin/python -m bench.lti_launch
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

import jwt
import sqlalchemy as sa
from cachelib import SimpleCache
from flask import Flask, make_response, redirect, render_template_string, request
from flask.typing import ResponseReturnValue
from sqlalchemy import event

from bench.common import bench_app, database_kind, interleaved, machine, summary
from bench.launch_setup import Platform, install, login

WARMUP = 50  # every learner once, opening the first lesson: each has started the course
ROUNDS = 100  # per repetition
USERS = 50  # launches cycle through 50 learners: after the warm-up every launch is a returning user
TARGET_RATIO = 1.25
PAGE = """<!doctype html><html lang="hu"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1><p>{{ name }}</p><ul>{% for m in modules %}<li>{{ m }}</li>
{% endfor %}</ul></main></body></html>"""


PARTS = ("login", "launch", "continue", "home")


def _no_mark(_name: str) -> None:
    return None


def tool_journey(
    app: Flask,
    platform: Platform,
    sub: str,
    parts: dict[str, list[float]],
    mark: Any = _no_mark,
    *,
    first_lesson: bool = False,
) -> float:
    """Milliseconds of tool work for one learner: login, launch, continue, landing page.
    `first_lesson`: then open the course's first lesson, untimed (the warm-up does it once per
    learner, so the measured launches are of learners who have started, as most are)."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    started = time.perf_counter()
    state, nonce, status = login(client, platform, sub)
    login_ms = (time.perf_counter() - started) * 1000
    assert status == 302 and state and nonce, status
    token = platform.id_token(sub, nonce)  # the platform's work: not timed
    total = login_ms
    parts["login"].append(login_ms)
    mark("login")
    started = time.perf_counter()
    response = client.post("/lti/launch", data={"id_token": token, "state": state})
    step = (time.perf_counter() - started) * 1000
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    parts["launch"].append(step)
    mark("launch")
    total += step
    for name in ("continue", "home"):
        location = response.headers["Location"]
        started = time.perf_counter()
        response = client.get(location)
        step = (time.perf_counter() - started) * 1000
        parts[name].append(step)
        mark(name)
        total += step
    assert response.status_code == 200, response.status_code
    if first_lesson:  # a learner who has started the course (not timed)
        from lms_plugin.courses.content import get_course

        with app.app_context():
            module = get_course("mentor-30h").core_modules[0]
        lesson = client.get(f"/course/{module.id}/lessons/{module.lessons[0].id}")
        assert lesson.status_code == 200, lesson.status_code
    return total


def baseline_app(database_url: str, platform: Platform) -> Flask:
    """The unavoidable work of a launch, nothing else."""
    bare = Flask("baseline")
    states = SimpleCache(threshold=20_000)
    engine = sa.create_engine(database_url)
    meta = sa.MetaData()
    nonces = sa.Table(
        "bench_baseline_nonces",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nonce", sa.String(255), unique=True),
    )
    users = sa.Table(
        "bench_baseline_users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sub", sa.String(255), unique=True),
        sa.Column("name", sa.String(255)),
        sa.Column("last_seen_at", sa.DateTime(timezone=True)),
    )
    meta.create_all(engine)

    @bare.get("/login")
    def login_view() -> ResponseReturnValue:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        states.set(state, nonce, timeout=600)
        response = redirect(f"{platform.base}/auth?state={state}&nonce={nonce}")
        response.set_cookie("state", state, secure=True, httponly=True, samesite="None")
        return response

    @bare.post("/launch")
    def launch_view() -> ResponseReturnValue:
        state = request.form["state"]
        if request.cookies.get("state") != state:
            return "state", 400
        nonce = states.get(state)
        states.delete(state)
        claims = jwt.decode(
            request.form["id_token"],
            platform.public_pem,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
        )
        if claims["nonce"] != nonce:
            return "nonce", 400
        with engine.begin() as conn:
            conn.execute(nonces.insert().values(nonce=nonce))
            found = conn.execute(sa.select(users.c.id).where(users.c.sub == claims["sub"])).scalar()
            now = datetime.now(UTC)
            if found is None:
                conn.execute(
                    users.insert().values(sub=claims["sub"], name=claims["name"], last_seen_at=now)
                )
            else:
                conn.execute(
                    users.update()
                    .where(users.c.id == found)
                    .values(name=claims["name"], last_seen_at=now)
                )
        return make_response(
            render_template_string(
                PAGE, title="Mentorprogram", name=claims["name"], modules=range(10)
            )
        )

    return bare


def baseline_journey(bare: Flask, platform: Platform, sub: str) -> float:
    client = bare.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    started = time.perf_counter()
    response = client.get("/login")
    elapsed = (time.perf_counter() - started) * 1000
    query = dict(
        part.split("=", 1) for part in response.headers["Location"].split("?")[1].split("&")
    )
    token = platform.id_token(sub, query["nonce"])  # the platform's work: not timed
    started = time.perf_counter()
    response = client.post("/launch", data={"id_token": token, "state": query["state"]})
    elapsed += (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.get_data(as_text=True)
    return elapsed


def statements_per_request(app: Flask, platform: Platform) -> dict[str, int]:
    """SQL statements each request of a returning learner's launch sends."""
    from lms_plugin.db import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    counts: dict[str, int] = {}

    def listener(*args: Any) -> None:
        seen.append(str(args[2]))

    def mark(name: str) -> None:
        counts[name] = len(seen) - sum(counts.values())

    event.listen(engine, "before_cursor_execute", listener)
    try:
        tool_journey(app, platform, "5000", {k: [] for k in PARTS}, mark)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    counts["total"] = len(seen)
    return counts


def main() -> dict[str, Any]:
    app = bench_app(PRACTICE_LMS_ENABLED=True)
    platform = install(app)
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    bare = baseline_app(url, platform)
    parts: dict[str, list[float]] = {k: [] for k in PARTS}
    for n in range(WARMUP):
        tool_journey(
            app, platform, str(5000 + n % USERS), {k: [] for k in parts}, first_lesson=n < USERS
        )
        baseline_journey(bare, platform, str(5000 + n % USERS))

    def tool() -> list[float]:
        return [tool_journey(app, platform, str(5000 + n % USERS), parts) for n in range(ROUNDS)]

    def base() -> list[float]:
        return [baseline_journey(bare, platform, str(5000 + n % USERS)) for n in range(ROUNDS)]

    samples = interleaved({"tool": tool, "baseline": base}, repetitions=3)
    tool_stats, base_stats = summary(samples["tool"]), summary(samples["baseline"])
    ratio = round(tool_stats["median_ms"] / base_stats["median_ms"], 2)
    return {
        "benchmark": "lti_launch",
        "machine": machine(),
        "database": database_kind(url),
        "rounds": ROUNDS,
        "repetitions": 3,
        "tool_login_launch_home": tool_stats,
        "tool_parts_median_ms": {k: summary(v)["median_ms"] for k, v in parts.items()},
        "statements": statements_per_request(app, platform),
        "baseline_login_verify_store_upsert_render": base_stats,
        "ratio_median": ratio,
        "target_ratio": TARGET_RATIO,
        "pass": ratio <= TARGET_RATIO,
    }


if __name__ == "__main__":
    result = main()
    json.dump(result, sys.stdout, indent=2)
    print()
