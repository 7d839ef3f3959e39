"""The service year's tables: logbook entries, referrals, school contacts and outcome figures.

Nothing here names a student: sessions list helpers by their minimal record (id), meetings and
summaries hold counts and themes only, referrals carry a generated case code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_plugin.db import Base, created_at, intpk


class TrainingSession(Base):
    """A helper-training session: one of the course's eight sessions, or an extra one."""

    __tablename__ = "service_training_sessions"
    __table_args__ = (
        Index("ix_service_training_sessions_school_year", "school_id", "school_year"),
    )

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(16))  # s1 … s8 | extra
    minutes: Mapped[int] = mapped_column(default=90)
    helpers_present: Mapped[int] = mapped_column(default=0)  # kept after retention
    note: Mapped[str] = mapped_column(String(500), default="")
    details_removed_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    attendance: Mapped[list[SessionAttendance]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class SessionAttendance(Base):
    """A helper present at a training session (a detail: removed by retention)."""

    __tablename__ = "service_session_attendance"
    __table_args__ = (UniqueConstraint("session_id", "helper_id"),)

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(
        ForeignKey("service_training_sessions.id", ondelete="CASCADE")
    )
    helper_id: Mapped[int] = mapped_column(
        ForeignKey("peer_helpers.id", ondelete="CASCADE"), index=True
    )


class SupervisionMeeting(Base):
    """A supervision or case-discussion meeting: counts and themes, never a student."""

    __tablename__ = "service_meetings"
    __table_args__ = (Index("ix_service_meetings_school_year", "school_id", "school_year"),)

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(16))
    held_on: Mapped[date]
    format: Mapped[str] = mapped_column(String(16))
    cases: Mapped[int] = mapped_column(default=0)
    themes: Mapped[str] = mapped_column(String(255), default="")  # "a|b"
    note: Mapped[str] = mapped_column(String(500), default="")
    details_removed_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    @property
    def theme_list(self) -> list[str]:
        return [t for t in self.themes.split("|") if t]


class MonthlySummary(Base):
    """The helpers' activity in a month at a school, as the mentor entered it (counts only)."""

    __tablename__ = "service_monthly_summaries"
    __table_args__ = (UniqueConstraint("mentor_id", "school_id", "month"),)

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    school_year: Mapped[str] = mapped_column(String(16))
    month: Mapped[date]  # the first day of the month
    contacts: Mapped[int] = mapped_column(default=0)  # the sum of the counts (for fast totals)
    updated_at: Mapped[created_at]

    counts: Mapped[list[ContactCount]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ContactCount(Base):
    """How many contacts of a kind on a theme a summary reports."""

    __tablename__ = "service_contact_counts"
    __table_args__ = (UniqueConstraint("summary_id", "kind", "theme"),)

    id: Mapped[intpk]
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("service_monthly_summaries.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    theme: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(default=0)


class SchoolContact(Base):
    """A school's designated safeguarding contact, kept by the coordinator."""

    __tablename__ = "service_school_contacts"

    id: Mapped[intpk]
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(24))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="hu")
    created_at: Mapped[created_at]


class Referral(Base):
    """A safeguarding referral: a generated case code, never a name."""

    __tablename__ = "service_referrals"
    __table_args__ = (Index("ix_service_referrals_school_status", "school_id", "status"),)

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(16), unique=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(12))
    recipient: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_on: Mapped[date]
    referred_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    notified_at: Mapped[datetime | None]
    created_at: Mapped[created_at]


class OutcomeFigures(Base):
    """A school's indicators for a term, as the school reports them."""

    __tablename__ = "service_outcomes"
    __table_args__ = (UniqueConstraint("school_id", "term"),)

    id: Mapped[intpk]
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(16))  # "2026/27-1"
    enrolled: Mapped[int]
    at_risk: Mapped[int]
    avg_unjustified_absence: Mapped[float] = mapped_column(Numeric(7, 2, asdecimal=False))
    grade_repetitions: Mapped[int]
    left_school: Mapped[int]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[created_at]
