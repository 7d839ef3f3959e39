"""The ZIP of certificate PDFs as a background job (2,000 PDFs take minutes of CPU)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import asdict
from typing import Any

from flask_babel import gettext as _

from lms_plugin.certification.pdf import render_pdf
from lms_plugin.certification.register import RegisterFilter, register_rows
from lms_plugin.certification.texts import certificate_text
from lms_plugin.jobs import services as jobs
from lms_plugin.jobs.models import Job

ZIP_KIND = "certificates_zip"


def zip_params(filters: RegisterFilter, lang: str, base_url: str) -> dict[str, Any]:
    """What the job needs to redo the coordinator's query later, outside the request."""
    return {"filters": asdict(filters), "lang": lang, "base_url": base_url}


def zip_dedupe_key(owner_id: int, params: dict[str, Any]) -> str:
    """One ZIP at a time per person and filter: a second click shows the first one's progress."""
    wanted = json.dumps([params["filters"], params["lang"]], sort_keys=True, default=str)
    return f"{ZIP_KIND}:{owner_id}:{hashlib.sha256(wanted.encode()).hexdigest()[:40]}"


def _title() -> str:
    return _("Certificates as a ZIP")


def _describe(job: Job) -> str:
    return _("The ZIP of %(n)s certificates is ready to download.", n=job.progress_total)


def entry_name(holder_name: str, code: str, lang: str) -> str:
    """A file name inside the ZIP: letters and digits of the name, the code and the language."""
    safe_name = "".join(ch if ch.isalnum() else "_" for ch in holder_name)[:60]
    return f"{safe_name}-{code}-{lang}.pdf"


@jobs.handler(ZIP_KIND, title=_title, describe=_describe)
def build_zip(job: Job, progress: jobs.Progress) -> jobs.Output:
    """Render every PDF of the filter into a private file, reporting progress as it goes."""
    filters = RegisterFilter(**job.params["filters"])
    lang = job.params.get("lang", "hu")
    rows = register_rows(filters, limit=None)
    total = len(rows)
    progress(0, total, force=True)
    name, handle = jobs.open_output()
    with handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, row in enumerate(rows, start=1):
            cert = row.cert
            archive.writestr(
                entry_name(cert.holder_name, cert.code, lang),
                render_pdf(certificate_text(cert, lang)),
            )
            progress(done, total)
    progress(total, total, force=True)
    return jobs.Output(
        result_name=name, download_name=f"certificates-{lang}.zip", summary={"count": total}
    )
