"""Registered platforms, their deployments, and nonces already used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms_plugin.db import Base, created_at, intpk


class Platform(Base):
    """One registration of the tool on an LMS: an issuer and a client_id."""

    __tablename__ = "platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[intpk]
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    auth_login_url: Mapped[str] = mapped_column(Text)
    auth_token_url: Mapped[str] = mapped_column(Text)
    key_set_url: Mapped[str] = mapped_column(Text)
    auth_audience: Mapped[str | None] = mapped_column(Text)
    registered_via: Mapped[str] = mapped_column(String(20), default="manual")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    # Trust (0010): when a tool administrator (or the operator's trusted list) let it launch;
    # None on a dynamic registration that nobody has activated yet ("pending").
    activated_at: Mapped[datetime | None]
    # What the platform said it is when it registered itself (product, version) and from where.
    product: Mapped[str] = mapped_column(String(255), default="")
    registration_url: Mapped[str | None] = mapped_column(Text)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan"
    )

    @property
    def status(self) -> str:
        """ "active", "pending" (registered itself, waiting for an administrator) or "inactive"."""
        if self.is_active:
            return "active"
        if self.activated_at is None and self.registered_via == "dynamic":
            return "pending"
        return "inactive"


class Deployment(Base):
    """A deployment of a platform registration (Moodle: the tool type id)."""

    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[intpk]
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[created_at]

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class UsedNonce(Base):
    """A launch nonce, stored so the same id_token can never be replayed."""

    __tablename__ = "lti_used_nonces"
    __table_args__ = (UniqueConstraint("issuer", "nonce"),)

    id: Mapped[intpk]
    issuer: Mapped[str] = mapped_column(String(255))
    nonce: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(index=True)


from lms_plugin.lti import outbox_models as outbox_models  # noqa: E402 - AGS outbox tables
