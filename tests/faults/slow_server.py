"""A real server process for the crash test: the app, plus a test-only pause just before the
release's COMMIT (after every row is flushed), announced through a marker file.

Run: python -m tests.faults.slow_server DATABASE_URL INSTANCE PORT MARKER PATH_TO_PAUSE
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.serving import run_simple

from tests.conftest import make_test_app


def main() -> None:
    url, instance, port, marker, pause_path = sys.argv[1:6]
    app = make_test_app(Path(instance), SQLALCHEMY_DATABASE_URI=url, AGS_FAST_PATH=False)

    @event.listens_for(Session, "before_commit")
    def _pause(session: Any) -> None:
        if has_request_context() and request.path == pause_path and request.method == "POST":
            session.flush()  # every row of the transaction is written, none committed
            Path(marker).write_text("flushed")
            time.sleep(120)  # the test kills the process here

    run_simple("127.0.0.1", int(port), app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
