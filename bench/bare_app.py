"""The lesson page's floor: a bare Flask app serving the same bytes from memory, for gunicorn with
the same settings (`gunicorn -c deploy/gunicorn.conf.py 'bench.bare_app:create_app()'`)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response


def create_app() -> Flask:
    """Every path answers with the file BENCH_BARE_BODY as HTML (read once, at start-up)."""
    body = Path(os.environ["BENCH_BARE_BODY"]).read_bytes()
    app = Flask("bare")

    @app.get("/")
    @app.get("/<path:_path>")
    def page(_path: str = "") -> Response:
        return Response(body, mimetype="text/html")

    return app
