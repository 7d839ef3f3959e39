"""Item 10: the certificate ZIP is a background job. The request only enqueues (no PDF is rendered
inside it); a worker builds the file; the job page shows progress and then a download link that
only the coordinator who asked can use."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from flask import Flask

from lms_plugin.certification import pdf
from lms_plugin.db import db
from lms_plugin.jobs.models import Job
from lms_plugin.jobs.services import export_dir, run_due_jobs
from tests.security.world import World


def test_zip_request_only_enqueues_and_the_job_page_offers_the_file(
    app: Flask, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = world.client(app, "coordinator")
    rendered: list[str] = []
    real_render = pdf.render_pdf

    def counting_render(text: pdf.CertificateText) -> bytes:
        rendered.append(text.code)
        return real_render(text)

    monkeypatch.setattr("lms_plugin.certification.exports.render_pdf", counting_render)
    response = coordinator.post("/certificates.zip?lang=en&state=valid")
    assert response.status_code == 303
    assert rendered == [], "the request rendered PDFs itself"
    job_url = response.headers["Location"]
    assert "/jobs/" in job_url

    page = coordinator.get(job_url)
    assert page.status_code == 200
    assert b"job-progress" in page.data and b"js/jobs.js" in page.data
    state = coordinator.get(job_url + ".json").get_json()
    assert state["status"] == "queued" and state["download_url"] is None and state["total"] == 2

    assert run_due_jobs(app) == 1
    assert sorted(rendered) == sorted([world.ids["anna_code"], world.ids["bela_code"]])
    state = coordinator.get(job_url + ".json").get_json()
    assert state["status"] == "done" and state["percent"] == 100
    download = coordinator.get(state["download_url"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert len(names) == 2 and all(n.endswith("-en.pdf") for n in names)
    assert world.ids["revoked_code"] not in "".join(names)  # the filter was kept

    with app.app_context():
        job = db.session.scalars(db.select(Job)).one()
        stored = export_dir() / str(job.result_name)
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert stat.S_IMODE(Path(export_dir()).stat().st_mode) == 0o700

    # Someone else's job is not theirs to see or download.
    for visitor in ("admin", "trainer"):
        other = world.client(app, visitor)
        assert other.get(job_url).status_code == 404
        assert other.get(state["download_url"]).status_code == 404


def test_zip_of_nothing_is_refused_without_a_job(app: Flask, world: World) -> None:
    coordinator = world.client(app, "coordinator")
    response = coordinator.post("/certificates.zip?q=nobody-has-this-name")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0


def test_a_job_is_run_by_one_worker_only(app: Flask, world: World) -> None:
    """Two workers looking at the queue at once: the job is built once."""
    from tests.security.concurrency import at_once

    coordinator = world.client(app, "coordinator")
    assert coordinator.post("/certificates.zip?lang=hu").status_code == 303
    ran = at_once(4, lambda _i: run_due_jobs(app))
    assert sum(ran) == 1
