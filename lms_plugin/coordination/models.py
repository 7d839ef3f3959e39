"""Programmes, training centres, schools, mentors, placements, peer helpers and their links."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_plugin.accounts.models import User
from lms_plugin.db import Base, created_at, intpk, utcnow


class Programme(Base):
    """One programme year (e.g. the 2026/27 pilot); its end date drives helper data retention."""

    __tablename__ = "coordination_programmes"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(255))
    school_year: Mapped[str] = mapped_column(String(16), default="")
    year_ends_on: Mapped[date]
    # The tenant (platform issuer) that owns the programme; its administrators manage it.
    # None: created outside any tenant (CLI); only tool administrators see it until granted.
    issuer: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[created_at]

    centres: Mapped[list[TrainingCentre]] = relationship(
        back_populates="programme", order_by="TrainingCentre.name"
    )


class TrainingCentre(Base):
    """A vocational training centre (szakképzési centrum), a group of schools."""

    __tablename__ = "training_centres"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)

    id: Mapped[intpk]
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_programmes.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    municipality: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[created_at]

    programme: Mapped[Programme] = relationship(back_populates="centres")
    schools: Mapped[list[School]] = relationship(back_populates="centre", order_by="School.name")


class School(Base):
    """A vocational school; `vocational_fields` is a '|'-separated list."""

    __tablename__ = "schools"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        Index("ix_schools_centre_id", "centre_id"),
    )

    id: Mapped[intpk]
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_programmes.id", ondelete="CASCADE")
    )
    centre_id: Mapped[int] = mapped_column(ForeignKey("training_centres.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(255))
    municipality: Mapped[str] = mapped_column(String(120), default="")
    vocational_fields: Mapped[str] = mapped_column(Text, default="")
    target_helpers: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[created_at]

    centre: Mapped[TrainingCentre] = relationship(back_populates="schools")

    @property
    def fields(self) -> list[str]:
        return [f for f in self.vocational_fields.split("|") if f]


class MentorProfile(Base):
    """A teacher in the mentor pool; being a mentor also needs a valid certificate (certs.py)."""

    __tablename__ = "mentor_profiles"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    home_school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), index=True
    )
    languages: Mapped[str] = mapped_column(String(64), default="hu")
    vocational_fields: Mapped[str] = mapped_column(Text, default="")
    availability: Mapped[str] = mapped_column(String(255), default="")
    min_helpers: Mapped[int] = mapped_column(default=0)
    max_helpers: Mapped[int] = mapped_column(default=4)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    home_school: Mapped[School | None] = relationship()

    @property
    def language_list(self) -> list[str]:
        return [x for x in self.languages.split("|") if x]

    @property
    def field_list(self) -> list[str]:
        return [x for x in self.vocational_fields.split("|") if x]


class Placement(Base):
    """A mentor placed at a school: active, flagged for certificate renewal, or ended."""

    __tablename__ = "placements"
    __table_args__ = (
        UniqueConstraint("mentor_id", "school_id"),
        Index("ix_placements_school_status", "school_id", "status"),
    )

    id: Mapped[intpk]
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    flagged_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    mentor: Mapped[MentorProfile] = relationship()
    school: Mapped[School] = relationship()


class PeerHelper(Base):
    """A student peer helper, usually a minor: no contact data, no birth date, no full name."""

    __tablename__ = "peer_helpers"

    id: Mapped[intpk]
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(40))
    school_year: Mapped[int] = mapped_column(SmallInteger)
    vocational_field: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(8), default="hu")
    start_date: Mapped[date]
    birth_year: Mapped[int] = mapped_column(SmallInteger)
    consent_by: Mapped[str] = mapped_column(String(10))  # self | guardian
    consent_recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    school: Mapped[School] = relationship()


class MatchRun(Base):
    """One run of the automatic matcher; its proposals stay drafts until published."""

    __tablename__ = "match_runs"

    id: Mapped[intpk]
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_programmes.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft|published|discarded
    helpers_considered: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    solve_ms: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    published_at: Mapped[datetime | None]


class HelperLink(Base):
    """A helper linked to a mentor: a draft proposal or a published link (one per helper)."""

    __tablename__ = "helper_links"

    id: Mapped[intpk]
    helper_id: Mapped[int] = mapped_column(
        ForeignKey("peer_helpers.id", ondelete="CASCADE"), unique=True
    )
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="published")  # draft | published
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_runs.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    published_at: Mapped[datetime | None]

    helper: Mapped[PeerHelper] = relationship()
    mentor: Mapped[MentorProfile] = relationship()


class UnmatchedReason(Base):
    """Why the matcher left a helper without a mentor in a run."""

    __tablename__ = "match_unmatched"

    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"), index=True)
    helper_id: Mapped[int] = mapped_column(
        ForeignKey("peer_helpers.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(32))


class BannedPair(Base):
    """A helper who must never be linked to a mentor (e.g. a relative or a conflict)."""

    __tablename__ = "banned_pairs"
    __table_args__ = (UniqueConstraint("helper_id", "mentor_id"),)

    id: Mapped[intpk]
    helper_id: Mapped[int] = mapped_column(ForeignKey("peer_helpers.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class HelperAuditLog(Base):
    """Who read or changed which helper's data, when; keeps the helper id only, never a name."""

    __tablename__ = "helper_audit_logs"
    __table_args__ = (Index("ix_helper_audit_logs_helper_at", "helper_id", "at"),)

    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))
    helper_id: Mapped[int | None]
    school_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(String(255), default="")


class CoordinatorGrant(Base):
    """A coordinator's scope: a whole programme (centre_id None) or one training centre of it."""

    __tablename__ = "coordinator_grants"
    __table_args__ = (UniqueConstraint("user_id", "programme_id", "centre_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_programmes.id", ondelete="CASCADE")
    )
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_centres.id", ondelete="CASCADE")
    )
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    programme: Mapped[Programme] = relationship()
    centre: Mapped[TrainingCentre | None] = relationship()
