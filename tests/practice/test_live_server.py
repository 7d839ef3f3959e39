"""`make run` for real: init a fresh instance, start `flask run`, launch with requests over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.practice_platform import parse_page

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on a free loopback port with its own instance folder."""
    instance = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        {
            "LMS_INSTANCE_PATH": str(instance),
            "LMS_PRACTICE_ISSUER": f"{base}/practice",
            "LMS_RATELIMIT_ENABLED": "false",
        }
    )
    init = subprocess.run(
        [FLASK, "--app", "lms_plugin", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    assert "Practice LMS registered" in init.stdout
    log = (instance / "server.log").open("w")
    server = subprocess.Popen(
        [FLASK, "--app", "lms_plugin", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start:\n" + (instance / "server.log").read_text())
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _follow(http: requests.Session, answer: requests.Response, base: str) -> requests.Response:
    """What the browser does: cookie-check continue URLs and auto-submitted forms."""
    for _ in range(6):
        page = parse_page(answer.text)
        if page.continue_url:
            answer = http.get(requests.compat.urljoin(answer.url, page.continue_url), timeout=10)
            continue
        posting = [f for f in page.forms if "/language" not in f.action and f.method == "post"]
        if "data-practice-autosubmit" in answer.text and posting:
            form = posting[0]
            answer = http.post(
                requests.compat.urljoin(answer.url, form.action), data=form.fields, timeout=10
            )
            continue
        return answer
    return answer


def test_trainee_launches_through_a_real_http_server(live_server: str) -> None:
    http = requests.Session()
    course = http.get(f"{live_server}/practice/", timeout=10)
    assert course.status_code == 200 and "Kovács Anna" in course.text
    link = re.search(r'<option value="(\d+)">[^<]*\(home\)</option>', course.text)
    assert link, course.text
    player = http.get(
        f"{live_server}/practice/launch",
        params={"who": "anna", "link": link.group(1), "locale": "en"},
        timeout=10,
    )
    start = parse_page(player.text).iframe_src
    assert player.status_code == 200 and start
    initiate = http.get(requests.compat.urljoin(player.url, start), timeout=10)
    final = _follow(http, initiate, live_server)
    assert final.status_code == 200, final.text
    assert final.url == f"{live_server}/"
    assert "Kovács Anna" in final.text and '<html lang="en">' in final.text
