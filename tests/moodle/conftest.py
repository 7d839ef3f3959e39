"""The tool against a REAL Moodle 4.4 (the kit in /work/shared/moodle, see tests/moodle/README.md).

Only runs when asked: `pytest -m moodle tests/moodle` or `MOODLE_TESTS=1`. Otherwise the test
modules of this folder are not even collected (`pytest_ignore_collect` below), so the default
suite neither imports nor deselects them.

Session fixtures: `moodle` (the kit's site, reset to its clean snapshot), `tool` (gunicorn with
2 workers on TOOL_UPSTREAM behind the kit's TLS nginx, plus the score delivery worker, as
docs/deployment.md runs them), `browser` (Debian's Chromium, third-party cookies blocked) and the
registrations (`dynamic_type`: through Moodle's admin page in the browser; `manual_type`: the
kit's add-tool plus the tool's `lti add-platform`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The kit sits beside the repository (../shared/moodle, as CI lays it out); MOODLE_KIT overrides.
KIT = Path(os.environ.get("MOODLE_KIT", str(ROOT.parent / "shared" / "moodle"))).resolve()
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--ignore-certificate-errors",
    "--test-third-party-cookie-phaseout",  # third-party cookies blocked, as in current browsers
]
HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("MOODLE_STATE", "/srv/moodle-state"))
NewPage = Callable[[], Any]  # the `new_page` fixture: a fresh browser context's page


# ------------------------------------------------------------------ run only when asked
def _only_moodle(name: str, /, **kwargs: str | int | bool | None) -> bool:
    return name == "moodle"


def _enabled(config: pytest.Config) -> bool:
    if os.environ.get("MOODLE_TESTS") == "1":
        return True
    expr = str(config.getoption("markexpr", "") or "")
    if not expr:
        return False
    try:
        from _pytest.mark.expression import Expression

        return bool(Expression.compile(expr).evaluate(_only_moodle))
    except (ImportError, SyntaxError, ValueError, AttributeError):  # pytest reports a bad -m
        return "moodle" in expr and "not moodle" not in expr


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "moodle: against the real Moodle of /work/shared/moodle")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Without `-m moodle` (or MOODLE_TESTS=1) nothing in this folder is collected."""
    if collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return None if _enabled(config) else True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.moodle)


# ------------------------------------------------------------------ the kit
def _release_stale_kit_lock(state: Path) -> None:
    """setup.sh serialises itself with `flock` on STATE/setup.lock (fd 9) and, when it had to start
    PostgreSQL, PostgreSQL inherits that fd and holds the lock forever: every later setup.sh
    then waits for ever. When nothing but non-setup.sh processes hold the lock, give the next run
    a fresh lock file (a new inode) instead of killing anything."""
    lock = state / "setup.lock"
    if not lock.exists():
        return
    try:
        inode = lock.stat().st_ino
    except OSError:
        return
    holders: list[str] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if fd.stat().st_ino == inode and os.readlink(fd) == str(lock):
                        holders.append((proc / "cmdline").read_bytes().decode(errors="replace"))
                        break
    if holders and not any("setup.sh" in h or h.startswith("flock") for h in holders):
        lock.unlink(missing_ok=True)


class KitError(RuntimeError):
    """setup.sh failed or did not finish."""


def _run_kit(*args: str, timeout: float = 600) -> dict[str, Any]:
    _release_stale_kit_lock(STATE)
    try:
        out = subprocess.run(
            ["bash", str(KIT / "setup.sh"), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise KitError(f"setup.sh {' '.join(args)} did not finish in {timeout} s: {exc.stderr!r}")
    if out.returncode:
        tail = out.stderr[-3000:]
        raise KitError(f"setup.sh {' '.join(args)} failed ({out.returncode}):\n{tail}")
    lines = out.stdout.strip().splitlines()
    return dict(json.loads(lines[-1])) if lines else {}  # --stop prints nothing


def kit(*args: str, timeout: float = 600) -> dict[str, Any]:
    """Run setup.sh; its last stdout line is the site's JSON. Fails loudly (never skips)."""
    try:
        return _run_kit(*args, timeout=timeout)
    except KitError as exc:
        pytest.fail(str(exc))


def ready_kit() -> dict[str, Any]:
    """The kit's Moodle, clean. A machine can inherit an installed kit whose site is broken (the
    machine was stopped in the middle of a reset: the database empty, moodledata missing; Moodle
    answers 500). Then the clean snapshot is restored, and if that fails too, Moodle is installed
    again (removing the kit's `installed` marker is how its settings-change reinstall starts)."""
    errors: list[str] = []
    for attempt in ("check", "reset", "reinstall"):
        try:
            if attempt == "check":
                _run_kit()
            elif attempt == "reset":
                pass
            else:
                (STATE / "installed").unlink(missing_ok=True)
                _run_kit(timeout=900)
            return _run_kit("--reset")
        except KitError as exc:
            errors.append(f"[{attempt}] {exc}")
    pytest.fail("The Moodle kit could not be brought up:\n" + "\n".join(errors))


def mcli(site: dict[str, Any], *args: str) -> Any:
    """php moodle.php COMMAND ... against the kit's Moodle; returns its JSON."""
    out = subprocess.run(
        ["php", str(KIT / "moodle.php"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "MOODLE_DIR": site["moodle_dir"]},
        timeout=120,
    )
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"moodle.php {args} printed nothing: {out.stderr[-2000:]}")
    data = json.loads(lines[-1])
    if out.returncode:
        raise RuntimeError(f"moodle.php {args}: {data}")
    return data


@pytest.fixture(scope="session")
def moodle() -> dict[str, Any]:
    """The kit's Moodle: installed when missing, then reset to its clean snapshot."""
    if not (KIT / "setup.sh").exists():
        pytest.fail(f"The Moodle kit is missing: {KIT}/setup.sh (set MOODLE_KIT)")
    return ready_kit()


# ------------------------------------------------------------------ the tool
def tool_registration_env(site: dict[str, Any]) -> dict[str, str]:
    """Everything the tool needs to accept the kit's Moodle — in ONE place (adapt here when the
    tool's registration settings change). Dynamic registration is on for exactly Moodle's
    origin, which is also trusted (its registrations are active in the tool at once); Moodle's
    own origin may be called although it resolves to 127.0.0.1 on a non-standard port."""
    origin = site["moodle_url"]
    host = origin.split("://", 1)[1].split(":", 1)[0]
    return {
        "LMS_LTI_DYNAMIC_REGISTRATION": "true",
        "LMS_LTI_REGISTRATION_ALLOWED_ORIGINS": json.dumps([origin]),
        "LMS_LTI_REGISTRATION_TRUSTED_ORIGINS": json.dumps([origin]),
        "LMS_LTI_REGISTRATION_ALLOWED_HOSTS": json.dumps([host]),  # older name of the setting
        "LMS_LTI_OUTBOUND_ALLOWED_ORIGINS": json.dumps([origin]),
    }


@dataclass
class Tool:
    """The tool as deployed: gunicorn (2 workers) + `lti deliver --loop`, one instance folder."""

    site: dict[str, Any]
    folder: Path
    url: str
    upstream: str
    env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def instance(self) -> Path:
        return self.folder / "instance"

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    def build_env(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LMS_", "GUNICORN_"))}
        env.update(
            {
                "LMS_ENV": "production",
                "LMS_INSTANCE_PATH": str(self.instance),
                "LMS_SECRET_KEY": "moodle-kit-tests-" + "s" * 40,
                "LMS_SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.instance / 'lms.sqlite'}",
                "LMS_ALLOW_SQLITE_IN_PRODUCTION": "1",
                "LMS_PRACTICE_LMS_ENABLED": "false",
                "LMS_TRUSTED_PROXIES": "1",
                "LMS_AGS_WORKER_INTERVAL": "2",
                "LMS_AGS_RETRY_CAP_SECONDS": "4",
                "REQUESTS_CA_BUNDLE": self.site["ca_bundle"],
                "SSL_CERT_FILE": self.site["ca_bundle"],
                "GUNICORN_BIND": self.upstream,
                "GUNICORN_WORKERS": "2",
                "GUNICORN_THREADS": "4",
                "FLASK_APP": "lms_plugin",
                "PYTHONUNBUFFERED": "1",
            }
        )
        # Redis as docs/deployment.md describes for several processes; off unless given.
        redis = os.environ.get("MOODLE_TESTS_REDIS_URL")
        if redis:
            env["LMS_REDIS_URL"] = redis
        env.update(tool_registration_env(self.site))
        self.env = env

    def flask(self, *args: str, check: bool = True, input: str | None = None) -> str:
        """`flask --app lms_plugin ARGS` against this instance; returns stdout."""
        out = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "lms_plugin", *args],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            input=input,
            timeout=180,
        )
        if check and out.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout + out.stderr if not check else out.stdout

    def python(self, code: str) -> str:
        """Run `code` inside the tool's app context (like `flask shell`); returns stdout."""
        script = (
            "from lms_plugin import create_app\n"
            "app = create_app()\n"
            "with app.app_context():\n" + "".join(f"    {line}\n" for line in code.splitlines())
        )
        out = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=180,
        )
        if out.returncode:
            raise RuntimeError(f"tool python failed:\n{out.stdout}\n{out.stderr[-4000:]}")
        return out.stdout

    def init(self) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.flask("init")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start(self) -> None:
        self._spawn(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "lms_plugin:create_app()",
            ],
        )
        self.start_worker()
        self.wait_healthy()

    def start_worker(self) -> None:
        self._spawn(
            "deliver", [str(VENV_BIN / "flask"), "--app", "lms_plugin", "lti", "deliver", "--loop"]
        )

    def stop_worker(self) -> None:
        self._stop("deliver")

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited ({proc.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as resp:
                    if resp.status == 200:
                        return
                    last = str(resp.status)
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.5)
        raise RuntimeError(f"{self.url}/healthz never answered 200 ({last}):\n{self.tail()}")

    def _stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self) -> None:
        for name in list(self.procs):
            self._stop(name)

    def reset(self) -> None:
        """A fresh tool: processes stopped, the database and keys removed, `init` again."""
        self.stop()
        for path in self.instance.glob("lms.sqlite*"):
            path.unlink()
        self.init()
        self.start()

    def tail(self, lines: int = 60) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(parts)

    def deliveries(self) -> str:
        return self.flask("lti", "deliveries")


@pytest.fixture(scope="session")
def tool(
    moodle: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Tool]:
    folder = tmp_path_factory.mktemp("tool")
    upstream = moodle.get("tool_upstream") or "127.0.0.1:8091"
    if not moodle.get("tool_url"):
        pytest.fail("The kit runs without its tool vhost (TOOL_VHOST=0); the tests need it.")
    t = Tool(moodle, folder, moodle["tool_url"], upstream)
    t.build_env()
    try:
        t.init()
        t.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        t.stop()
        pytest.fail(f"The tool did not start: {exc}\n{t.tail()}")
    failed_before = request.session.testsfailed
    yield t
    t.stop()
    if request.session.testsfailed > failed_before:
        print(f"\n=== tool logs in {t.logs} ===\n{t.tail()}", file=sys.stderr)


# ------------------------------------------------------------------ the browser
@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session: Any) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `bash scripts/services.sh`.")
    chromium = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """Pages in fresh browser contexts (a fresh cookie jar = another person); on failure a
    screenshot of each goes to test-artifacts/moodle/."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(ignore_https_errors=True, locale="en-GB")
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        out = ROOT / "test-artifacts" / "moodle"
        out.mkdir(parents=True, exist_ok=True)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                with contextlib.suppress(Exception):
                    page.screenshot(
                        path=str(out / f"{request.node.name}-{i}-{j}.png"), full_page=True
                    )
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def moodle_login(page: Any, site: dict[str, Any], username: str) -> None:
    """Log in on Moodle's login page as `username` (admin or a kit user)."""
    password = (
        site["admin"]["password"]
        if username == site["admin"]["username"]
        else site["users"].get(username, {}).get("password", "Passw0rd!")
    )
    problem = ""
    for attempt in range(3):  # Moodle's login form now and then answers "Invalid login" once
        if attempt:  # "Your session has timed out": the form's token belonged to another session
            page.context.clear_cookies(domain=urlsplit(site["login_url"]).hostname)
            page.wait_for_timeout(500 * attempt)
        page.goto(site["login_url"])
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("#loginbtn")
        if "/login/" not in page.url:
            return
        problem = page.locator("body").inner_text()[:300]
    raise AssertionError(f"{username} could not log in to Moodle: {problem!r}")


# ------------------------------------------------------------------ registrations
def _prepare_type(site: dict[str, Any], typeid: int) -> None:
    """What docs/moodle.md section 2a step 6 asks the admin to set on the tool's card."""
    mcli(
        site,
        "set-tool-config",
        str(typeid),
        "coursevisible=2",
        "launchcontainer=embed_no_blocks",
        "sendname=always",
        "sendemailaddr=always",
        "acceptgrades=always",
    )


def register_dynamically(page: Any, site: dict[str, Any], tool_url: str) -> int:
    """As an admin: Manage tools → Tool URL → Add LTI Advantage; returns the new type's id."""
    before = {t["id"] for t in types_of(site)}
    moodle_login(page, site, site["admin"]["username"])
    page.goto(site["lti"]["manage_tools_url"])
    page.fill("input[placeholder='Tool URL...']", f"{tool_url}/lti/register")
    page.get_by_role("button", name="Add LTI Advantage").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        types = [t for t in types_of(site) if t["id"] not in before]
        if types:
            # the dialog closes itself once the tool said it is done
            with contextlib.suppress(Exception):
                page.locator(".modal-dialog iframe").wait_for(state="detached", timeout=15_000)
            return int(types[0]["id"])
        time.sleep(1)
    body = ""
    with contextlib.suppress(Exception):
        body = page.frame_locator(".modal-dialog iframe").locator("body").inner_text()
    raise AssertionError(f"Moodle got no new tool type; the registration dialog shows: {body!r}")


@pytest.fixture(scope="session")
def dynamic_type(moodle: dict[str, Any], tool: Tool, browser: Any) -> dict[str, Any]:
    """The tool registered by Moodle's own dynamic registration, in the browser; activated."""
    from tests.moodle.helpers import frame_ancestor_answers

    frame_ancestor_answers(tool.url)  # a tool in service: every worker has answered before
    context = browser.new_context(ignore_https_errors=True, locale="en-GB")
    try:
        page = context.new_page()
        typeid = register_dynamically(page, moodle, tool.url)
    finally:
        context.close()
    registered = mcli(moodle, "tool-types", str(typeid))
    mcli(moodle, "activate-tool", str(typeid))
    _prepare_type(moodle, typeid)
    return {"typeid": typeid, "registered": registered}


def types_of(site: dict[str, Any]) -> list[dict[str, Any]]:
    return list(mcli(site, "tool-types"))
