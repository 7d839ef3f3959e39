"""The coordination blueprint, complete: each sub-package's views add their routes to `bp`.

The blueprint and what the views share (the programme in view, paging, the actor) are in `web.py`.
"""

from __future__ import annotations

from lms_plugin.coordination.audit import views as audit_views
from lms_plugin.coordination.dashboard import views as dashboard_views
from lms_plugin.coordination.matching import views as matching_views
from lms_plugin.coordination.mentors import views as mentors_views
from lms_plugin.coordination.organisation import views as organisation_views
from lms_plugin.coordination.peer_helpers import views as peer_helpers_views
from lms_plugin.coordination.web import bp

__all__ = [
    "audit_views",
    "bp",
    "dashboard_views",
    "matching_views",
    "mentors_views",
    "organisation_views",
    "peer_helpers_views",
]
