"""A second step for destructive actions that works without JavaScript.

The red button posts its form; without `confirm=1` the view answers with a page that says what
the action will affect and a red button that posts the same fields again with `confirm=1`.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, request


def confirmed() -> bool:
    """Whether this POST is the confirmed second step ("yes": the erase form's checkbox)."""
    return request.form.get("confirm") in ("1", "yes")


def ask(title: str, button: str, effects: Sequence[str], cancel_url: str) -> tuple[str, int]:
    """The confirmation page: what will happen, the same form again, and a way back."""
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirm")
    ]
    page = render_template(
        "coordination/confirm.html",
        title=title,
        button=button,
        effects=list(effects),
        cancel_url=cancel_url,
        fields=fields,
        action=request.path,
    )
    return page, 200
