"""Item 15: an upload stored just before a crash (its row never committed) is an orphan;
`flask ops clean-uploads` deletes it (old enough, so an upload in progress is never touched) and
keeps every file a row refers to. The shipped deployment runs it on a timer."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask

from lms_plugin.grading import files as filestore
from tests.security.world import PDF, World

ROOT = Path(__file__).resolve().parents[2]


def _age(path: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_clean_uploads_deletes_only_old_orphans(app: Flask, world: World) -> None:
    with app.app_context():
        crashed, _sha = filestore.store(PDF + b"crash")  # stored, then the process died
        in_flight, _sha = filestore.store(PDF + b"now")  # an upload whose request still runs
        used = filestore.stored_path(_stored_name_of(world))
        half = filestore.upload_dir() / (("ab" * 16) + ".part")
        half.write_bytes(b"%PDF-1.4 half")
        for path in (filestore.stored_path(crashed), used, half):
            _age(path, 48)

    result = app.test_cli_runner().invoke(args=["ops", "clean-uploads"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not filestore.stored_path(crashed).exists()
        assert not half.exists()
        assert filestore.stored_path(in_flight).exists()
        assert used.exists()
        assert "orphan files deleted" in result.output


def _stored_name_of(world: World) -> str:
    from lms_plugin.db import db
    from lms_plugin.grading.models import SubmissionFile

    row = db.session.get(SubmissionFile, world.ids["anna_file"])
    assert row is not None
    return row.stored_name


def test_the_deployment_schedules_cleaning_and_retention() -> None:
    systemd = ROOT / "deploy" / "systemd"
    for unit, command in (
        ("lms-clean-uploads", "ops clean-uploads"),
        ("lms-retention", "coordination retention"),
    ):
        timer = (systemd / f"{unit}.timer").read_text()
        service = (systemd / f"{unit}.service").read_text()
        assert "OnCalendar=" in timer and "Persistent=true" in timer
        assert command in service
    assert "jobs run --loop" in (systemd / "lms-jobs.service").read_text()
