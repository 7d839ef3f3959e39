"""The `flask lti …` command group; LTI features add their commands to `lti_group`."""

from __future__ import annotations

from flask.cli import AppGroup

lti_group = AppGroup("lti", help="LTI 1.3: platforms, keys, registration values, deliveries.")
