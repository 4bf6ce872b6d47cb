"""A recorded show for the replay tests: real HLS written by ffmpeg (12 s, two 6 s
publisher sessions with a 30 s interruption between them), and the show's own audit log
(pins, a flash sale, a poll, a giveaway) at known times."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from castcart.audit.recorder import AuditItem
from castcart.audit.service import append_items
from castcart.core.db import Database
from castcart.media.ffmpeg import find_ffmpeg
from castcart.media.models import StreamSession
from tests.helpers import Api

SECONDS = 12


def write_hls(media_dir: Path, show_id: str, seconds: int = SECONDS) -> Path:
    """master.m3u8 + 360p/index.m3u8 (ENDLIST: a finished recording), 2 s segments."""
    folder = media_dir / "shows" / show_id
    (folder / "360p").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            find_ffmpeg(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate=25:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "50",
            "-keyint_min",
            "50",
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-f",
            "hls",
            "-hls_time",
            "2",
            "-hls_list_size",
            "0",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            str(folder / "360p" / "seg_%05d.ts"),
            str(folder / "360p" / "index.m3u8"),
        ],
        check=True,
        timeout=120,
    )
    (folder / "master.m3u8").write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180,CODECS="avc1.42c01e,mp4a.40.2"\n'
        "360p/index.m3u8\n",
        encoding="utf-8",
    )
    return folder


@dataclass
class Recorded:
    store: dict[str, Any]
    slug: str
    show_id: str
    products: list[dict[str, Any]]  # [A, B]
    t0: datetime


def recorded_show(api: Api, db: Database, media_dir: Path, captions: bool = True) -> Recorded:
    store = api.store()
    berlin = api.warehouse(store, "BER")
    a = api.product(store, price=5000, handle=f"scarf-{uuid.uuid4().hex[:6]}", warehouse=berlin)
    b = api.product(store, price=8000, handle=f"gloves-{uuid.uuid4().hex[:6]}", warehouse=berlin)
    show = api.show(store, products=[a, b], live=True)
    api.ok(
        "PUT",
        f"/api/v1/shows/{show['id']}/live-prices",
        headers=store["headers"],
        json={"prices": [{"variant_id": a["variants"][0]["id"], "price_amount": 3900}]},
    )
    store_id = store["store"]["id"]
    t0 = datetime.now(UTC) - timedelta(hours=1)
    with db.write() as session:
        for start, end in (
            (t0, t0 + timedelta(seconds=6)),
            (t0 + timedelta(seconds=36), t0 + timedelta(seconds=42)),
        ):
            session.add(
                StreamSession(
                    show_id=show["id"],
                    store_id=store_id,
                    source="embedded",
                    started_at=start,
                    last_seen_at=end,
                    ended_at=end,
                    end_reason="publisher_left",
                )
            )

    def item(seconds: float, kind: str, payload: dict[str, Any]) -> AuditItem:
        return AuditItem(
            event_id=uuid.uuid4().hex,
            store_id=store_id,
            show_id=show["id"],
            kind=kind,
            actor=None,
            occurred_at=t0 + timedelta(seconds=seconds),
            payload=payload,
        )

    append_items(
        db,
        [
            item(1, "pin", {"product_id": a["id"]}),
            item(
                3,
                "flash_sale",
                {
                    "flash_sale_id": "fs1",
                    "variant_id": b["variants"][0]["id"],
                    "price_amount": 6000,
                    "quantity_cap": 5,
                    "starts_at": "",
                    "ends_at": "",
                },
            ),
            item(
                5,
                "poll.opened",
                {"poll_id": "p1", "question": "Which colour next?", "options": ["red", "blue"]},
            ),
            item(
                20,
                "giveaway.opened",
                {
                    "giveaway_id": "g1",
                    "title": "Free beanie",
                    "prize": "beanie",
                    "winners_count": 1,
                    "commitment": "x",
                    "algorithm": "sha256",
                },
            ),  # during the interruption
            item(38, "pin", {"product_id": b["id"]}),
        ],
    )
    write_hls(media_dir, show["id"])
    if captions:
        folder = media_dir / "shows" / show["id"] / "captions"
        folder.mkdir(parents=True, exist_ok=True)
        for lang, text in (("en", "Hello and welcome"), ("de", "Hallo und willkommen")):
            (folder / f"{lang}.vtt").write_text(
                f"WEBVTT\n\n1\n00:00:00.500 --> 00:00:04.000\n{text}\n\n", encoding="utf-8"
            )
    api.ok(
        "POST",
        f"/api/v1/shows/{show['id']}/transition",
        headers=store["headers"],
        json={"to": "ended"},
    )
    return Recorded(store, store["store"]["slug"], show["id"], [a, b], t0)
