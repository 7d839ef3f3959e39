"""`make test` on a fresh machine installs what it lacks (scripts/services.sh) before it needs it;
`make run` installs nothing beyond Python packages."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@dataclass
class Machine:
    """A stand-in machine for the `services` target."""

    env: dict[str, str]
    chromium: Path
    font: Path
    script: Path
    marker: Path

    def make_services(self, uid: str = "1000", chromium: Path | None = None) -> None:
        answer = make(
            "services",
            f"SERVICES_SCRIPT={self.script}",
            f"CHROMIUM={chromium or self.chromium}",
            f"TEST_FONT={self.font}",
            f"PY={sys.executable}",
            env=dict(self.env, FAKE_UID=uid),
        )
        assert answer.returncode == 0, answer.stdout + answer.stderr

    @property
    def services_ran(self) -> bool:
        return self.marker.exists()


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    """`id`, `node` and `npm` on PATH, Chromium and the font as files, and a services script that
    only records that it ran."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("node", "exit 0"), ("npm", "exit 0"), ("id", 'echo "$FAKE_UID"')):
        stub = bin_dir / name
        stub.write_text(f"#!/bin/sh\n{body}\n")
        stub.chmod(0o755)
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    font = tmp_path / "DejaVuSans.ttf"
    font.write_bytes(b"font")
    marker = tmp_path / "services-ran"
    script = tmp_path / "services.sh"
    script.write_text(f'touch "{marker}"\necho postgresql://stub\n')
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return Machine(env=env, chromium=chromium, font=font, script=script, marker=marker)


def test_nothing_is_installed_for_a_user_who_has_everything(machine: Machine) -> None:
    machine.make_services()
    assert not machine.services_ran


def test_a_missing_browser_runs_the_services_script(machine: Machine, tmp_path: Path) -> None:
    machine.make_services(chromium=tmp_path / "absent")
    assert machine.services_ran


def test_root_always_runs_the_services_script(machine: Machine) -> None:
    machine.make_services(uid="0")
    assert machine.services_ran


def test_make_test_sets_up_the_machine_before_it_tests() -> None:
    plan = make("-n", "test").stdout
    assert "services.sh" in plan
    assert plan.index("services.sh") < plan.index("-m pytest")


def test_make_run_installs_no_system_packages() -> None:
    plan = make("-n", "run").stdout
    for heavy in ("services.sh", "apt-get", "npm", "chromium"):
        assert heavy not in plan
