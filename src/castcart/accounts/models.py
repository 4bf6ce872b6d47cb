from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    default_locale: Mapped[str] = mapped_column(String(16), default="en")
    country: Mapped[str] = mapped_column(String(2))
    # how long a show's audit log (what it displayed, what its host said) is kept after it ends
    audit_retention_days: Mapped[int] = mapped_column(Integer, default=730, server_default="730")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (UniqueConstraint("store_id", "email"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Shopper(Base):
    """A shopper starts as a guest session and may later claim it with an email/password."""

    __tablename__ = "shoppers"
    __table_args__ = (UniqueConstraint("store_id", "email"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthToken(Base):
    """Bearer tokens and page-session cookies. Only a SHA-256 of the token is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # staff | shopper | live_ticket
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[str | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=True
    )
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
