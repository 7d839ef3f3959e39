"""Fuzz the tool with ≥ 10,000 generated requests and count the 5xx answers (must be 0).

The strategies are the CI fuzz tests' (tests/security/fuzz_targets.py), with a bigger budget:
OIDC login parameters, garbage and adversarially signed id_tokens (wrong alg, truncated, JSON
bombs in claims), any JSON to the JSON endpoints, any fields to the forms, any query to pages.
Baseline in the same run: the share of requests the tool refused with a 4xx (what it should do).
Run: .venv/bin/python -m bench.fuzz [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.common import ROOT, machine

BUDGET = {
    "login": 2500,
    "launch_raw": 2500,
    "launch_signed": 1500,
    "json": 1000,
    "forms": 1600,
    "pages": 300,
}


def _settings(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )


def main(scale: float = 1.0) -> dict[str, Any]:
    from lms_plugin.lti import keys
    from lms_plugin.lti.http import mount_adapter
    from lms_plugin.practice.setup import register_practice_platform
    from tests.conftest import make_test_app
    from tests.practice_platform import FlaskTransport
    from tests.security import fuzz_targets as ft
    from tests.security.world import seed_world

    instance = Path(tempfile.mkdtemp(prefix="lms-fuzz-"))
    app = make_test_app(instance, LOG_LEVEL="CRITICAL")
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        keys.ensure_key()
        register_practice_platform()
        world = seed_world()
    mount_adapter(app, "https://tool.test/", FlaskTransport(app))
    fuzzer = ft.practice_fuzzer(app)
    budget = {k: max(1, int(v * scale)) for k, v in BUDGET.items()}
    statuses: dict[str, int] = {}

    def seen(status: int) -> None:
        key = f"{status // 100}xx"
        statuses[key] = statuses.get(key, 0) + 1

    @_settings(budget["login"])
    @given(params=ft.login_params, method=st.sampled_from(["GET", "POST"]))
    def login(params: dict[str, str], method: str) -> None:
        seen(fuzzer.login(params, method))

    @_settings(budget["launch_raw"])
    @given(id_token=ft.garbage_tokens, state=ft.nasty_text)
    def launch_raw(id_token: str, state: str) -> None:
        seen(fuzzer.launch_raw(id_token, state))

    @_settings(budget["launch_signed"])
    @given(
        claims=ft.claim_overrides,
        header=ft.header_overrides,
        truncate=st.one_of(st.none(), st.integers(1, 400)),
    )
    def launch_signed(claims: dict[str, Any], header: dict[str, Any], truncate: int | None) -> None:
        seen(fuzzer.launch_signed(claims, header, truncate))

    trainee = world.client(app, "trainee")

    @_settings(budget["json"])
    @given(body=st.one_of(ft.json_values, ft.bombs))
    def json_bodies(body: Any) -> None:
        for path in ("/progress/heartbeat", "/grading/preview"):
            seen(fuzzer.post_json(trainee, path, body))

    clients = {v: world.client(app, v) for v in ("trainee", "trainer", "coordinator", "admin")}

    @_settings(budget["forms"])
    @given(data=st.data())
    def forms(data: st.DataObject) -> None:
        path, (visitor, names) = data.draw(st.sampled_from(sorted(ft.FORMS.items())))
        fields = data.draw(ft.form_fields(names))
        seen(fuzzer.post_form(clients[visitor], ft.fill(path, world.ids), fields))

    @_settings(budget["pages"])
    @given(query=st.dictionaries(ft.nasty_text, ft.nasty_text, max_size=4))
    def pages(query: dict[str, str]) -> None:
        for who, path in (
            (trainee, "/"),
            (trainee, "/progress/"),
            (trainee, "/course/"),
            (clients["trainer"], "/progress/cohort"),
            (clients["coordinator"], "/certificates"),
            (clients["coordinator"], "/coordination/helpers"),
        ):
            seen(fuzzer.get(who, path, query))

    started = time.monotonic()
    for target in (login, launch_raw, launch_signed, json_bodies, forms, pages):
        target()
    total = fuzzer.requests
    refused = sum(n for k, n in statuses.items() if k == "4xx")
    return {
        "benchmark": "fuzz",
        "machine": machine(),
        "requests": total,
        "server_errors_5xx": len(fuzzer.failures),
        "first_failures": fuzzer.failures[:10],
        "status_classes": dict(sorted(statuses.items())),
        "baseline_refused_4xx_share": round(refused / max(1, sum(statuses.values())), 3),
        "seconds": round(time.monotonic() - started, 1),
        "pass": total >= 10_000 * scale and not fuzzer.failures,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scale", type=float, default=1.0, help="budget multiplier (1.0: ≥ 10,000)"
    )
    result = main(parser.parse_args().scale)
    json.dump(result, sys.stdout, indent=2)
    print()
