"""LTI launch (OIDC login + launch, JWKS cached): the tool's cost against the unavoidable work.

Baseline in the same run: a bare Flask app doing one RS256 verification, one database write and
one template render per request, on the same database. Target: tool ≤ 1.5 × baseline (medians).
Run: .venv/bin/python -m bench.lti_launch
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import jwt
import sqlalchemy as sa
from flask import Flask, render_template_string, request

from bench.common import bench_app, machine
from bench.launch_setup import Platform, install, login

WARMUP = 60
ROUNDS = 300
USERS = 50  # launches cycle through 50 learners: after the warm-up every launch is a returning user
TARGET_RATIO = 1.5
PAGE = """<!doctype html><html lang="hu"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1><p>{{ name }}</p><ul>{% for m in modules %}<li>{{ m }}</li>
{% endfor %}</ul></main></body></html>"""


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "max_ms": round(ordered[-1], 2),
    }


def tool_launches(app: Flask, platform: Platform) -> list[float]:
    """Milliseconds of tool work per launch: the login request plus the launch request."""
    samples: list[float] = []
    for n in range(WARMUP + ROUNDS):
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        sub = str(5000 + n % USERS)
        started = time.perf_counter()
        state, nonce, status = login(client, platform, sub)
        login_ms = (time.perf_counter() - started) * 1000
        assert status == 302 and state and nonce, status
        token = platform.id_token(sub, nonce)  # the platform's work
        started = time.perf_counter()
        response = client.post("/lti/launch", data={"id_token": token, "state": state})
        launch_ms = (time.perf_counter() - started) * 1000
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        if n >= WARMUP:
            samples.append(login_ms + launch_ms)
    return samples


def baseline_app(database_url: str, platform: Platform) -> Flask:
    """One RS256 verify, one INSERT, one render: the least any launch must do."""
    bare = Flask("baseline")
    engine = sa.create_engine(database_url)
    meta = sa.MetaData()
    nonces = sa.Table(
        "bench_baseline_nonces",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nonce", sa.String(255)),
    )
    meta.drop_all(engine)
    meta.create_all(engine)

    @bare.post("/launch")
    def launch() -> str:
        claims = jwt.decode(
            request.form["id_token"],
            platform.public_pem,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
        )
        with engine.begin() as conn:
            conn.execute(nonces.insert().values(nonce=claims["nonce"]))
        return render_template_string(
            PAGE, title="Mentorprogram", name=claims["name"], modules=range(10)
        )

    return bare


def baseline_launches(bare: Flask, platform: Platform) -> list[float]:
    client = bare.test_client()
    samples: list[float] = []
    for n in range(WARMUP + ROUNDS):
        token = platform.id_token(str(5000 + n % USERS), f"nonce-{n}")
        started = time.perf_counter()
        response = client.post("/launch", data={"id_token": token})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        if n >= WARMUP:
            samples.append(elapsed)
    return samples


def main() -> dict[str, Any]:
    app = bench_app(PRACTICE_LMS_ENABLED=True)
    platform = install(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    tool = _stats(tool_launches(app, platform))
    base = _stats(baseline_launches(baseline_app(url, platform), platform))
    ratio = round(tool["median_ms"] / base["median_ms"], 2)
    return {
        "benchmark": "lti_launch",
        "machine": machine(),
        "database": url.split(":", 1)[0],
        "rounds": ROUNDS,
        "tool_login_plus_launch": tool,
        "baseline_verify_write_render": base,
        "ratio_median": ratio,
        "target_ratio": TARGET_RATIO,
        "pass": ratio <= TARGET_RATIO,
    }


if __name__ == "__main__":
    result = main()
    json.dump(result, sys.stdout, indent=2)
    print()
