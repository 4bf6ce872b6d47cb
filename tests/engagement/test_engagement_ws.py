"""Engagement frames over a real WebSocket (uvicorn ``live_server``): polls with coalesced
results, the giveaway commitment and draw, the quiz question (without its answer) and
reveal."""

from __future__ import annotations

import asyncio
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import LiveServer
from tests.helpers import Api

SAFETY_S = 15.0  # a safety net against hangs, never a timing assertion


def ws_url(server: LiveServer, slug: str, show_id: str, token: str) -> str:
    return f"{server.url.replace('http://', 'ws://')}/api/v1/shop/{slug}/shows/{show_id}/live?token={token}"


async def next_raw(ws: ClientConnection, *kinds: str) -> tuple[dict[str, Any], str]:
    while True:
        raw = await asyncio.wait_for(ws.recv(), SAFETY_S)
        assert isinstance(raw, str)
        message = json.loads(raw)
        if message["type"] in kinds:
            return message, raw


async def next_of(ws: ClientConnection, *kinds: str) -> dict[str, Any]:
    return (await next_raw(ws, *kinds))[0]


def _post_all(base_url: str, requests: list[tuple[str, dict[str, str], Any]]) -> list[int]:
    """POST each (url, headers, body) from its own thread, all at once."""

    def one(item: tuple[str, dict[str, str], Any]) -> int:
        url, headers, body = item
        with httpx.Client(base_url=base_url, timeout=60) as client:
            return client.post(url, headers=headers, json=body).status_code

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, requests))


def test_frames_reach_viewers(live_server: LiveServer, api: Api) -> None:
    store = api.store()
    show = api.show(store, live=True)
    slug, show_id, h = store["store"]["slug"], show["id"], store["headers"]
    staff_url, shop_url = f"/api/v1/shows/{show_id}", f"/api/v1/shop/{slug}/shows/{show_id}"
    alice = api.shopper(store)
    voters = [api.shopper(store) for _ in range(20)]

    async def scenario() -> None:
        async with (
            connect(ws_url(live_server, slug, show_id, alice["token"])) as viewer,
            connect(ws_url(live_server, slug, show_id, store["token"])) as host,
        ):
            for ws in (viewer, host):
                await next_of(ws, "hello")

            # -- poll: opened, coalesced results under a burst of votes, closed
            poll = await asyncio.to_thread(
                api.ok,
                "POST",
                f"{staff_url}/polls",
                201,
                headers=h,
                json={"question": "Next colour?", "options": ["Red", "Blue"]},
            )
            opened = await next_of(viewer, "poll.opened")
            assert (opened["poll_id"], opened["options"], opened["counts"]) == (
                poll["id"],
                ["Red", "Blue"],
                [0, 0],
            )
            votes = [
                (f"{shop_url}/polls/{poll['id']}/votes", v["headers"], {"option_index": n % 2})
                for n, v in enumerate(voters)
            ]
            statuses = await asyncio.to_thread(_post_all, live_server.url, votes)
            assert statuses == [201] * 20
            results = [await next_of(viewer, "poll.results")]
            while results[-1]["total"] < 20:  # the last vote is always followed by a frame
                results.append(await next_of(viewer, "poll.results"))
            assert results[-1]["counts"] == [10, 10]
            totals = [r["total"] for r in results]
            assert totals == sorted(totals)
            assert all(sum(r["counts"]) == r["total"] for r in results)
            await asyncio.to_thread(
                api.ok, "POST", f"{staff_url}/polls/{poll['id']}/close", headers=h
            )
            closed = await next_of(viewer, "poll.closed")
            assert (closed["counts"], closed["total"]) == ([10, 10], 20)
            assert closed["seq"] > results[-1]["seq"]

            # -- giveaway: the commitment first, the seed and winners at the draw
            giveaway = await asyncio.to_thread(
                api.ok,
                "POST",
                f"{staff_url}/giveaways",
                201,
                headers=h,
                json={"title": "Scarf", "winners_count": 1},
            )
            g_open, raw = await next_raw(viewer, "giveaway.opened")
            assert g_open["commitment"] == giveaway["commitment"]
            assert "seed" not in g_open
            entries = [
                (f"{shop_url}/giveaways/{giveaway['id']}/entries", v["headers"], None)
                for v in voters[:3]
            ]
            assert await asyncio.to_thread(_post_all, live_server.url, entries) == [201] * 3
            await asyncio.to_thread(
                api.ok, "POST", f"{staff_url}/giveaways/{giveaway['id']}/draw", headers=h
            )
            drawn = await next_of(viewer, "giveaway.drawn")
            assert hashlib.sha256(bytes.fromhex(drawn["seed"])).hexdigest() == g_open["commitment"]
            assert (drawn["entrant_count"], len(drawn["winners"])) == (3, 1)
            assert drawn["winners"][0]["display_name"]

            # -- quiz: the question without its answer, then the reveal
            quiz = await asyncio.to_thread(
                api.ok,
                "POST",
                f"{staff_url}/quizzes",
                201,
                headers=h,
                json={
                    "question": "Made of?",
                    "options": ["Silk", "Cotton"],
                    "correct_index": 0,
                    "reward_percent_off": 10,
                },
            )
            question, raw = await next_raw(viewer, "quiz.question")
            assert question["quiz_id"] == quiz["id"]
            assert "correct" not in raw
            answers = [
                (f"{shop_url}/quizzes/{quiz['id']}/answers", v["headers"], {"option_index": n % 2})
                for n, v in enumerate(voters[:4])
            ]
            assert await asyncio.to_thread(_post_all, live_server.url, answers) == [201] * 4
            await asyncio.to_thread(
                api.ok, "POST", f"{staff_url}/quizzes/{quiz['id']}/reveal", headers=h
            )
            revealed = await next_of(viewer, "quiz.revealed")
            assert (revealed["correct_index"], revealed["correct_count"]) == (0, 2)
            assert revealed["answer_count"] == 4
            # staff connections get the same room frames
            assert (await next_of(host, "quiz.revealed"))["seq"] == revealed["seq"]

    asyncio.run(asyncio.wait_for(scenario(), timeout=120))
