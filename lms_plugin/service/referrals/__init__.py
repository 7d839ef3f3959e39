"""Safeguarding referrals and each school's designated contacts."""
