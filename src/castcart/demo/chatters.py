"""Simulated viewers for the demo: guest shoppers who join the live show over the real
WebSocket and chat in their own languages, like and come and go, so a newcomer opening the
shopper page sees a room that is alive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import urllib.request
from dataclasses import dataclass
from typing import Any

import websockets

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chatter:
    name: str
    locale: str
    country: str
    lines: tuple[str, ...]


CHATTERS: tuple[Chatter, ...] = (
    Chatter(
        "Maya",
        "en",
        "US",
        (
            "Does the scarf come in blue?",
            "Just ordered the tote!",
            "How long is shipping to Boston?",
            "Love this colour",
        ),
    ),
    Chatter(
        "Lucía",
        "es",
        "MX",
        (
            "¿Hacen envíos a México?",
            "Me encanta el pañuelo",
            "¿Cuánto tarda el envío?",
            "¡Qué bonito!",
        ),
    ),
    Chatter(
        "Jonas",
        "de",
        "DE",
        ("Ist die Powerbank schon lieferbar?", "Schöner Schal!", "Gibt es Rabattcodes?"),
    ),
    Chatter(
        "Putri",
        "id",
        "ID",
        ("Apakah bisa kirim ke Jakarta?", "Bagus sekali!", "Berapa harga syalnya?"),
    ),
    Chatter(
        "Omar",
        "ar",
        "SA",
        ("هل يوجد شحن إلى الرياض؟", "جميل جدا", "كم سعر المحفظة؟"),
    ),
)


def post_json(url: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """A JSON POST to our own server (the demo drives it through its public API)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - our own server over http(s)
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        data: dict[str, Any] = json.loads(response.read() or b"{}")
    return data


def _guest_token(base_url: str, slug: str, chatter: Chatter) -> str:
    session = post_json(
        f"{base_url}/api/v1/shop/{slug}/sessions",
        {"locale": chatter.locale, "country": chatter.country, "display_name": chatter.name},
    )
    return str(session["token"])


def _live_ticket(base_url: str, slug: str, token: str) -> str:
    return str(post_json(f"{base_url}/api/v1/shop/{slug}/live-tickets", {}, token)["ticket"])


async def _chat_loop(
    base_url: str,
    slug: str,
    show_id: str,
    chatter: Chatter,
    rng: random.Random,
    pace: tuple[float, float],
) -> None:
    token = await asyncio.to_thread(_guest_token, base_url, slug, chatter)
    ws_base = base_url.replace("http://", "ws://").replace("https://", "wss://")
    while True:
        try:
            # a fresh single-use ticket per (re)connect, as the shopper page does
            ticket = await asyncio.to_thread(_live_ticket, base_url, slug, token)
            url = (
                f"{ws_base}/api/v1/shop/{slug}/shows/{show_id}/live"
                f"?ticket={ticket}&lang={chatter.locale}&country={chatter.country}"
            )
            async with websockets.connect(url, max_queue=None) as socket:
                drain = asyncio.create_task(_drain(socket))
                try:
                    while True:
                        await asyncio.sleep(rng.uniform(*pace))
                        if rng.random() < 0.3:
                            await socket.send(json.dumps({"type": "like"}))
                        else:
                            text = rng.choice(chatter.lines)
                            await socket.send(json.dumps({"type": "chat.send", "text": text}))
                finally:
                    drain.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await drain
        except (OSError, ValueError, websockets.WebSocketException) as exc:
            log.info("demo chatter %s reconnecting: %s", chatter.name, exc)
            await asyncio.sleep(2.0)


async def _drain(socket: websockets.ClientConnection) -> None:
    async for _ in socket:  # viewers read what the room sends, or the server drops them
        pass


async def run_chatters(
    base_url: str,
    slug: str,
    show_id: str,
    *,
    count: int = 5,
    seed: int = 7,
    pace: tuple[float, float] = (4.0, 12.0),
) -> None:
    """Run ``count`` simulated viewers until cancelled; each acts every ``pace`` seconds."""
    rng = random.Random(seed)  # noqa: S311 - demo chatter timing, not security
    tasks = [
        asyncio.create_task(_chat_loop(base_url, slug, show_id, chatter, rng, pace))
        for chatter in CHATTERS[:count]
    ]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
