"""The kinds of notice, each of which a person can turn off."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STALLED = "stalled"
DIGEST = "digest"
FEEDBACK = "feedback"
CERT_EXPIRING = "cert_expiring"
LIVE_SESSION = "live_session"
JOB_FINISHED = "job_finished"

KINDS = (STALLED, DIGEST, FEEDBACK, CERT_EXPIRING, LIVE_SESSION, JOB_FINISHED)

LABELS = {
    STALLED: _l("A reminder when I have not worked on the course for a while"),
    DIGEST: _l("A daily list of submissions waiting for me to grade (trainers)"),
    FEEDBACK: _l("A notice when a trainer releases feedback on my work"),
    CERT_EXPIRING: _l(
        "A warning 60 and 14 days before a certificate expires (mine, or a mentor's I coordinate)"
    ),
    LIVE_SESSION: _l("A reminder the day before a live session I signed up for"),
    JOB_FINISHED: _l(
        "A notice when long work I started has finished (matcher, certificate ZIP, large import)"
    ),
}
