"""Ingest state kept in the database, so any app process can answer for a show's stream and
the embedded supervisor can pick up where it left off after a restart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from castcart.core.clock import utcnow
from castcart.core.db import Base
from castcart.core.ids import new_id
from castcart.core.types import ID, UTCDateTime


class MediaIngest(Base):
    """A show's opened ingest: with the embedded ffmpeg, the RTMP port its listener holds
    (released when the show ends or the ingest is closed)."""

    __tablename__ = "media_ingests"

    show_id: Mapped[str] = mapped_column(
        ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True
    )
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    port: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StreamSession(Base):
    """One publisher connection (encoder start to stop). The first one makes the show's HLS
    exist; the gaps between them are the interruptions of the replay."""

    __tablename__ = "media_stream_sessions"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    show_id: Mapped[str] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # embedded | nginx
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # nginx's on_update heartbeat: an open session not seen for long is a dead nginx's
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class ReplayDeletion(Base):
    """A show whose replay was deleted (by the seller, or its retention ran out): its media
    folder is gone and ``hls_url`` is null from then on."""

    __tablename__ = "media_replay_deletions"

    show_id: Mapped[str] = mapped_column(
        ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True
    )
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # seller | retention
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
