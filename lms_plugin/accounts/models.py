"""Users (identified by issuer + sub), LMS contexts, memberships and resource links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from lms_plugin.db import Base, created_at, intpk, utcnow


class Role(StrEnum):
    """The tool's roles; launch roles map onto these (see lms_plugin.lti.roles)."""

    TRAINEE = "trainee"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class User(UserMixin, Base):
    """A person as LTI defines them: (issuer, sub). Every registration of one Moodle shares them.

    `platform_id` is the registration they first came through (kept for reference and tenancy);
    it is not part of the identity.
    """

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)

    id: Mapped[intpk]
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("platforms.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(255))
    family_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Manages every tenant (granted on the command line: `flask accounts grant-tool-admin`).
    is_tool_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Copied into the session at login; bumping it ends every session of the user (logout,
    # revoked rights): a copied cookie carries the old number and is refused.
    session_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def display_name(self) -> str:
        """The name to show; platforms may send none."""
        full = " ".join(p for p in (self.family_name, self.given_name) if p)
        return self.name or full or f"#{self.sub}"


@event.listens_for(User, "before_insert")
def _fill_issuer(_mapper: Mapper[User], connection: Connection, user: User) -> None:
    """A user created with only their registration gets that registration's issuer."""
    if not user.issuer and user.platform_id is not None:
        user.issuer = str(
            connection.scalar(
                text("SELECT issuer FROM platforms WHERE id = :id"), {"id": user.platform_id}
            )
        )


class LmsContext(Base):
    """A course (context) on a platform."""

    __tablename__ = "lms_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[intpk]
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    deployment_pk: Mapped[int | None] = mapped_column(
        ForeignKey("deployments.id", ondelete="SET NULL")
    )
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))
    memberships_url: Mapped[str | None] = mapped_column(Text)
    lineitems_url: Mapped[str | None] = mapped_column(Text)
    ags_scopes: Mapped[str | None] = mapped_column(Text)
    # The language of the people who read this course's gradebook (the teachers' launch locale).
    gradebook_locale: Mapped[str | None] = mapped_column(String(16))
    roster_synced_at: Mapped[datetime | None]
    created_at: Mapped[created_at]

    memberships: Mapped[list[Membership]] = relationship(back_populates="context")


class Membership(Base):
    """A user's role in a context, from a launch or from the NRPS roster."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("context_pk", "user_id"),
        Index("ix_memberships_context_role", "context_pk", "role"),
    )

    id: Mapped[intpk]
    context_pk: Mapped[int] = mapped_column(ForeignKey("lms_contexts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    lti_roles: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="launch")  # launch | roster
    is_active: Mapped[bool] = mapped_column(default=True)
    has_launched: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    context: Mapped[LmsContext] = relationship(back_populates="memberships")


class ResourceLink(Base):
    """An activity placed in a Moodle course that launches the tool."""

    __tablename__ = "resource_links"
    __table_args__ = (UniqueConstraint("context_pk", "resource_link_id"),)

    id: Mapped[intpk]
    context_pk: Mapped[int] = mapped_column(ForeignKey("lms_contexts.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    target: Mapped[str | None] = mapped_column(String(255))
    lineitem_url: Mapped[str | None] = mapped_column(Text)
    # The resourceId of that column as the platform reported it ("" when it has none).
    lineitem_resource_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[created_at]


class Autosave(Base):
    """What a user typed into a form, saved as they type (restored when the page reloads)."""

    __tablename__ = "autosaves"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON: field name -> text
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
