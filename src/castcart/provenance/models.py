"""The provenance log's tables: events (each a leaf of the store's Merkle log, never
updated) with the item and lot codes they name, and the signed checkpoints published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class ProvenanceEvent(Base):
    """One EPCIS 2.0 event as recorded: ``document`` is its canonical JSON, the bytes the
    leaf hash covers, so anyone holding the document can recompute the leaf."""

    __tablename__ = "provenance_events"
    __table_args__ = (UniqueConstraint("store_id", "leaf_index", name="uq_provenance_leaf"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    leaf_index: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(32))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)
    document: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProvenanceCode(Base):
    """An item or lot code an event names (its EPCs, parent, inputs, outputs): the lookup of
    a QR code's journey."""

    __tablename__ = "provenance_codes"
    __table_args__ = (Index("ix_provenance_code", "store_id", "code"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(
        ForeignKey("provenance_events.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(200))


class ProvenanceCheckpoint(Base):
    """A signed tree head as published (a C2SP signed note)."""

    __tablename__ = "provenance_checkpoints"
    __table_args__ = (UniqueConstraint("store_id", "size", name="uq_provenance_checkpoint"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
