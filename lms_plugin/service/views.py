"""The service blueprint, complete: each views module adds its routes to `bp`."""

from __future__ import annotations

from lms_plugin.service.logbook import views as logbook_views
from lms_plugin.service.outcomes import views as outcome_views
from lms_plugin.service.privacy import views as privacy_views
from lms_plugin.service.referrals import views as referral_views
from lms_plugin.service.web import bp

__all__ = ["bp", "logbook_views", "outcome_views", "privacy_views", "referral_views"]
