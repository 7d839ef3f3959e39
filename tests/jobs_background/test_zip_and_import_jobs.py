"""Item 18/5: the certificate ZIP and large imports as background jobs: started once, progress,
the result (a file; rows and a summary), all or nothing; small imports stay immediate."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms_plugin.accounts.models import Role
from lms_plugin.coordination.models import School
from lms_plugin.coordination.organisation import csv_import as csv_org
from lms_plugin.coordination.organisation import import_job
from lms_plugin.db import db
from lms_plugin.jobs.models import DONE, FAILED, QUEUED, Job
from lms_plugin.jobs.services import run_due_jobs
from tests.conftest import Factory, login
from tests.coordination.conftest import Org


def _jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).order_by(Job.id)))


def test_the_certificate_zip_is_started_once_per_filter_and_then_downloaded(
    app: Flask, org: Org, make: Factory, client: FlaskClient
) -> None:
    for _ in range(3):
        org.mentor(make)
    db.session.commit()
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    first = client.post("/certificates.zip?lang=en&state=valid")
    second = client.post("/certificates.zip?lang=en&state=valid")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    other_filter = client.post("/certificates.zip?lang=hu&state=valid")
    assert other_filter.headers["Location"] != first.headers["Location"]
    assert [j.status for j in _jobs()] == [QUEUED, QUEUED]

    assert run_due_jobs(app) == 2
    state = client.get(first.headers["Location"] + ".json").get_json()
    assert (state["status"], state["done"], state["total"]) == ("done", 3, 3)
    download = client.get(state["download_url"])
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert len(archive.namelist()) == 3
    page = client.get("/coordination/").get_data(as_text=True)
    assert "Certificates as a ZIP: The ZIP of 3 certificates is ready to download." in page


def _csv(rows: int) -> bytes:
    lines = [";".join(csv_org.COLUMNS)]
    for i in range(rows):
        centre = f"C{i % 3}"
        lines.append(
            f"{centre};Centrum {centre};IMP-{i:04d};Technikum {i};Szeged;informatika;{i % 20}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def _confirm(client: FlaskClient, org: Org, data: bytes) -> object:
    return client.post(
        "/coordination/schools/import/confirm",
        data={"programme": org.programme.id, "payload": base64.b64encode(data).decode()},
    )


def _imported() -> int:
    db.session.expire_all()
    return db.session.query(School).filter(School.code.like("IMP-%")).count()


def test_a_large_import_runs_in_the_background_once_and_all_at_once(
    app: Flask, org: Org, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 50)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    data = _csv(120)
    first = _confirm(client, org, data)
    assert first.status_code == 303 and "/jobs/" in first.headers["Location"]  # type: ignore[attr-defined]
    again = _confirm(client, org, data)
    assert again.headers["Location"] == first.headers["Location"]  # type: ignore[attr-defined]
    assert _imported() == 0, "the request wrote the rows itself"
    state = client.get(first.headers["Location"] + ".json").get_json()  # type: ignore[attr-defined]
    assert (state["status"], state["total"]) == ("queued", 120)

    assert run_due_jobs(app) == 1
    assert _imported() == 120
    state = client.get(first.headers["Location"] + ".json").get_json()  # type: ignore[attr-defined]
    assert state["status"] == "done" and state["percent"] == 100
    assert state["message"] == (
        "Imported: 3 new and 0 updated centres, 120 new and 0 updated schools."
    )
    assert state["result_url"] == f"/coordination/schools?programme={org.programme.id}"
    (job,) = _jobs()
    assert job.dedupe_key is None
    kept_upload = import_job.jobs.export_dir() / job.params["payload"]
    assert not kept_upload.exists(), "the uploaded file outlived the import"


def test_a_failing_large_import_writes_nothing_and_says_why(
    app: Flask, org: Org, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 50)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    real_apply = csv_org.apply

    def apply_then_refuse(*args: object, **kwargs: object) -> object:
        real_apply(*args, **kwargs)  # type: ignore[arg-type]
        from lms_plugin.errors import DomainError

        raise DomainError("The programme was archived meanwhile.")

    monkeypatch.setattr(import_job.csv_org, "apply", apply_then_refuse)
    location = _confirm(client, org, _csv(60)).headers["Location"]  # type: ignore[attr-defined]
    run_due_jobs(app)
    assert _imported() == 0
    (job,) = _jobs()
    assert job.status == FAILED
    page = client.get(location).get_data(as_text=True)
    assert "It failed: The programme was archived meanwhile." in page


def test_a_small_import_stays_immediate(
    app: Flask, org: Org, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 50)
    login(client, org.coordinator, Role.COORDINATOR, org.context)
    response = _confirm(client, org, _csv(10))
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert _imported() == 10
    assert _jobs() == []
    assert DONE  # the kinds of state are shared with the jobs package
