"""A peer helper's data-subject export: every row of the tool that mentions them."""

from __future__ import annotations

from sqlalchemy import select

from lms_plugin.accounts.models import User
from lms_plugin.coordination.models import HelperLink, MentorProfile, PeerHelper, School
from lms_plugin.csv_export import BOM, SafeCsv
from lms_plugin.db import db
from lms_plugin.service import choices
from lms_plugin.service.models import SessionAttendance, TrainingSession


def rows_about(helper: PeerHelper) -> list[tuple[str, str, str]]:
    """(table, field, value) for the helper's record, link and every training session attended."""
    school = db.session.get(School, helper.school_id)
    rows: list[tuple[str, str, str]] = [
        ("peer_helpers", "display_name", helper.display_name),
        ("peer_helpers", "school", school.name if school else ""),
        ("peer_helpers", "school_year", str(helper.school_year)),
        ("peer_helpers", "vocational_field", helper.vocational_field),
        ("peer_helpers", "language", helper.language),
        ("peer_helpers", "start_date", helper.start_date.isoformat()),
        ("peer_helpers", "birth_year", str(helper.birth_year)),
        ("peer_helpers", "consent_by", helper.consent_by),
        ("peer_helpers", "consent_recorded_at", helper.consent_recorded_at.isoformat()),
    ]
    link = db.session.execute(
        select(HelperLink.status, User.name)
        .join(MentorProfile, MentorProfile.id == HelperLink.mentor_id)
        .join(User, User.id == MentorProfile.user_id)
        .where(HelperLink.helper_id == helper.id)
    ).first()
    if link is not None:
        rows.append(("helper_links", "mentor", f"{link[1] or ''} ({link[0]})"))
    sessions = db.session.scalars(
        select(TrainingSession)
        .join(SessionAttendance, SessionAttendance.session_id == TrainingSession.id)
        .where(SessionAttendance.helper_id == helper.id)
        .order_by(TrainingSession.held_on)
    )
    for s in sessions:
        value = f"{s.held_on.isoformat()} · {choices.TOPICS[s.topic]} · {s.minutes} min"
        rows.append(("service_session_attendance", "training_session", value))
    return rows


def as_csv(rows: list[tuple[str, str, str]], headers: tuple[str, str, str]) -> str:
    out = SafeCsv(delimiter=";")
    out.writerow(headers)
    out.writerows(rows)
    return BOM + out.take()
