"""200 concurrent launches and submissions on PostgreSQL (gunicorn, deploy/gunicorn.conf.py).

200 learners start at the same moment (a barrier): OIDC login, launch with an id_token signed by
the practice platform's key (the tool fetches and caches its JWKS from the same server), open the
assignment, save a draft and submit it. Baseline in the same run: 200 concurrent GET /healthz.
Target: 0 errors. Run: .venv/bin/python -m bench.concurrent_launches
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from bench.common import bench_app, machine
from bench.launch_setup import Platform
from bench.server import LoadResult, free_port, gunicorn, use_postgresql

USERS = 200
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def platform_for(app: Any, base: str) -> tuple[Platform, str]:
    """The practice LMS registered at `base`/practice; the assignment every learner submits."""
    from lms_plugin.courses.content import get_course
    from lms_plugin.practice import urls
    from lms_plugin.practice.keys import platform_key
    from lms_plugin.practice.setup import register_practice_platform

    with app.app_context():
        register_practice_platform()
        key = platform_key()
        assignment = get_course("mentor-30h").assignments[0].id
        platform = Platform(
            issuer=urls.issuer(),
            client_id=urls.CLIENT_ID,
            deployment_id=urls.DEPLOYMENT_ID,
            private_pem=key.private_pem,
            public_pem=key.public_pem,
            kid=key.kid,
            base=base,
        )
    return platform, assignment


def journey(base: str, platform: Platform, sub: str, assignment: str) -> str | None:
    """One learner from login to a submitted assignment; None when every step answered right."""
    browser = requests.Session()
    login = browser.get(
        f"{base}/lti/login", params=platform.login_query(sub), allow_redirects=False, timeout=120
    )
    if login.status_code != 302:
        return f"login HTTP {login.status_code}"
    query = parse_qs(urlsplit(login.headers["Location"]).query)
    token = platform.id_token(sub, query["nonce"][0], context="bench-200")
    launch = browser.post(
        f"{base}/lti/launch",
        data={"id_token": token, "state": query["state"][0]},
        allow_redirects=False,
        timeout=120,
    )
    if launch.status_code not in (302, 303):
        return f"launch HTTP {launch.status_code}"
    page = browser.get(f"{base}/grading/assignments/{assignment}", timeout=120)
    found = CSRF.search(page.text)
    if page.status_code != 200 or not found:
        return f"assignment page HTTP {page.status_code}"
    csrf = found.group(1)
    draft = browser.post(
        f"{base}/grading/assignments/{assignment}/draft",
        data={"csrf_token": csrf, "text": f"My plan, learner {sub}."},
        allow_redirects=False,
        timeout=120,
    )
    if draft.status_code not in (302, 303):
        return f"draft HTTP {draft.status_code}"
    submit = browser.post(
        f"{base}/grading/assignments/{assignment}/submit",
        data={"csrf_token": csrf},
        allow_redirects=False,
        timeout=120,
    )
    if submit.status_code not in (302, 303):
        return f"submit HTTP {submit.status_code}"
    return None


def together(users: int, work: Any) -> LoadResult:
    """Run `work(n)` in `users` threads released at the same moment; time each one."""
    result = LoadResult()
    barrier = threading.Barrier(users)

    def run(n: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            error = work(n)
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}"
        result.add((time.perf_counter() - started) * 1000, error)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    result.seconds = time.monotonic() - started
    return result


def count_submitted(app: Any) -> int:
    from sqlalchemy import func, select

    from lms_plugin.db import db
    from lms_plugin.grading.models import Submission

    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count()).select_from(Submission).where(Submission.state == "submitted")
            )
            or 0
        )


def main() -> dict[str, Any]:
    use_postgresql()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = bench_app(
        PRACTICE_ISSUER=f"{base}/practice", SERVER_NAME=None, PREFERRED_URL_SCHEME="http"
    )
    platform, assignment = platform_for(app, base)
    settings = {"PRACTICE_ISSUER": f"{base}/practice", "WTF_CSRF_ENABLED": "true"}
    results: dict[str, Any] = {
        "benchmark": "concurrent_launches",
        "machine": machine(),
        "users": USERS,
    }
    with gunicorn(app, port, **settings):
        assert journey(base, platform, "warm-up", assignment) is None  # JWKS fetched and cached
        results["baseline_healthz"] = together(
            USERS, lambda n: None if requests.get(f"{base}/healthz", timeout=120).ok else "healthz"
        ).summary()
        results["launch_and_submit"] = together(
            USERS, lambda n: journey(base, platform, f"learner-{n}", assignment)
        ).summary()
    results["submitted_in_database"] = count_submitted(app) - 1  # without the warm-up learner
    results["pass"] = (
        results["launch_and_submit"]["errors"] == 0 and results["submitted_in_database"] == USERS
    )
    return results


if __name__ == "__main__":
    json.dump(main(), sys.stdout, indent=2)
    print()
