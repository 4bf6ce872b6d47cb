"""Consent history and the log of data-subject requests. Both are evidence for a regulator,
so rows are appended, never rewritten (a withdrawal only stamps ``withdrawn_at``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class ConsentRecord(Base):
    __tablename__ = "consent_records"
    __table_args__ = (
        # At most one live decision (grant or refusal) per shopper and purpose; a new
        # decision closes the old row and is a new row. Two racing writes meet this index
        # and one gets a 409.
        Index(
            "uq_consent_active",
            "store_id",
            "shopper_id",
            "purpose",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    # SET NULL: a purged guest's consent history survives as proof, with no one behind it.
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str] = mapped_column(String(32))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(
        String(16), nullable=True
    )  # withdrawn|superseded
    source: Mapped[str] = mapped_column(String(32), default="shop_api")
    # granted | refused: a refusal is a decision too, kept with its time and policy version
    # (the consent banner records both; ``granted_at`` is the moment of either decision).
    decision: Mapped[str] = mapped_column(String(8), default="granted", server_default="granted")
    # the market whose rules applied when the decision was made (ISO 3166-1), if known
    jurisdiction: Mapped[str | None] = mapped_column(String(8), nullable=True)

    @property
    def decided_at(self) -> datetime:
        return self.granted_at


class PrivacyRequest(Base):
    """Each export or erasure served, and by whom: the accountability record (GDPR 5(2))."""

    __tablename__ = "privacy_requests"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    shopper_id: Mapped[str | None] = mapped_column(
        ForeignKey("shoppers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # export | erasure
    requested_by: Mapped[str] = mapped_column(String(80))  # shopper | staff:<id>
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
