"""The peer-helper service year: the mentor's logbook, safeguarding referrals and outcomes.

Sits above coordination and certification (it reads their models); nothing below imports it.
"""
