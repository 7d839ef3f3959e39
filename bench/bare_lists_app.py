"""The coordination lists' floor: a bare Flask app, served by gunicorn with the tool's settings,
that does the work no list page can skip — one `SELECT … LIMIT 100` of helpers with their school
and a Jinja render of those rows as a table (`/`), or the whole helper table streamed as CSV
(`/helpers.csv`, 2,000 rows a chunk). Same database and schema as the tool
(`LMS_SQLALCHEMY_DATABASE_URI`, as `bench.server.gunicorn` sets it).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator

from flask import Flask, Response, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><html lang="hu"><head><meta charset="utf-8"><title>helpers</title></head>
<body><main><h1>Peer helpers</h1><table class="table table-sm"><thead><tr><th>Name</th>
<th>Year</th><th>Field</th><th>School</th><th>Start</th><th>Consent</th></tr></thead><tbody>
{% for r in rows %}<tr><th scope="row"><a href="/helpers/{{ r.id }}">{{ r.display_name }}</a></th>
<td>{{ r.school_year }}</td><td>{{ r.vocational_field }}</td><td>{{ r.name }}</td>
<td>{{ r.start_date }}</td><td>{{ r.consent_by }}</td></tr>{% endfor %}
</tbody></table></main></body></html>"""

ROWS = text(
    "SELECT h.id, h.display_name, h.school_year, h.vocational_field, s.name, h.start_date,"
    " h.consent_by FROM peer_helpers h JOIN schools s ON s.id = h.school_id"
    " ORDER BY h.id LIMIT 100"
)
ALL_ROWS = text(
    "SELECT h.id, h.display_name, h.school_year, h.vocational_field, s.name,"
    " CAST(h.start_date AS text), h.consent_by FROM peer_helpers h"
    " JOIN schools s ON s.id = h.school_id ORDER BY s.name, h.display_name, h.id"
)


def create_app() -> Flask:
    """`/`: 100 rows selected and rendered; `/helpers.csv`: every helper as CSV."""
    engine = create_engine(os.environ["LMS_SQLALCHEMY_DATABASE_URI"], pool_pre_ping=False)
    app = Flask("bare_lists")

    @app.get("/")
    def page() -> str:
        with engine.connect() as conn:
            rows = conn.execute(ROWS).all()
        return render_template_string(PAGE, rows=rows)

    @app.get("/helpers.csv")
    def helpers_csv() -> Response:
        def chunks() -> Iterator[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";")
            with engine.connect() as conn:
                result = conn.execution_options(yield_per=2000).execute(ALL_ROWS)
                for partition in result.partitions():
                    writer.writerows(partition)
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()

        return Response(chunks(), mimetype="text/csv; charset=utf-8")

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app
