"""Deep Linking: the instructor picks what to place in the Moodle course."""

from __future__ import annotations

from flask import redirect, session, url_for
from werkzeug.wrappers import Response


def start_picker(message: object) -> Response:
    """Remember the deep-linking launch and show the picker."""
    launch_id = message.get_launch_id()  # type: ignore[attr-defined]
    session["deep_link_launch_id"] = launch_id
    return redirect(url_for("main.home"))
