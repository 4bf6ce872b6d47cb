"""The hub's side of sharing a show between nodes, with an in-memory stand-in for the Redis
stream (the real one is exercised by ``test_cluster.py`` with two server processes)."""

from __future__ import annotations

import json
from typing import Any

from castcart.realtime import ShowHub
from tests.realtime.test_hub import ALICE, BOB, chat, drain, of_type, run


class SharedLog:
    """One sequence and log for several hubs, like the Lua script + stream."""

    def __init__(self) -> None:
        self.seq = 0
        self.frames: list[tuple[int, str, str]] = []
        self.hubs: list[ShowHub] = []

    def append(self, type_: str, head: str, tail: str) -> None:
        self.seq += 1
        frame = (self.seq, type_, f"{head}{self.seq}{tail}")
        self.frames.append(frame)
        for hub in self.hubs:  # every node tails the stream
            hub.deliver_remote(frame[0], type_, frame[2], 1)


class LogChannel:
    def __init__(self, log: SharedLog) -> None:
        self.log = log
        self.presences = 0

    def publish(self, type_: str, head: str, tail: str, count: int) -> None:
        self.log.append(type_, head, tail)

    def add_likes(self, delta: int) -> None:
        raise AssertionError("not used here")

    def presence(self) -> None:
        self.presences += 1

    def close(self) -> None:
        pass


def node(log: SharedLog, *, late: bool = False) -> ShowHub:
    hub = ShowHub("s", "show")
    hub.channel = LogChannel(log)
    if late:  # a node that starts serving the show later loads the shared backlog
        hub.bootstrap("e1", log.seq, list(log.frames), likes=0, viewers=None)
    else:
        hub.bootstrap("e1", 0, [], likes=0, viewers=None)
    log.hubs.append(hub)
    return hub


def test_two_hubs_share_one_sequence_and_a_late_node_serves_resume() -> None:
    async def scenario() -> None:
        log = SharedLog()
        one, two = node(log), node(log)
        a, b = one.join(ALICE), two.join(BOB)
        drain(a), drain(b)
        assert one.broadcast("notice", {"n": 1}) is None  # the seq comes from the log
        chat(one, a, "from node one")
        chat(two, b, "from node two")
        seen_a = [(m["seq"], m.get("text")) for m in drain(a) if m["type"] != "notice"]
        seen_b = [(m["seq"], m.get("text")) for m in drain(b) if m["type"] != "notice"]
        assert seen_a == seen_b == [(2, "from node one"), (3, "from node two")]
        one.set_slow_mode(20)  # mirrored from the log on both nodes
        assert one.slow_mode_seconds == two.slow_mode_seconds == 20
        # bob comes back on a third node that has just started serving the show
        three = node(log, late=True)
        again = three.join(BOB, last_seq=2, epoch="e1")
        replay = drain(again)
        assert replay[0]["epoch"] == "e1"
        assert [m["seq"] for m in replay[1:]] == [3, 4]
        assert of_type(replay, "chat.message")[0]["text"] == "from node two"

    run(scenario)


def test_resume_from_a_seq_this_node_has_not_read_yet_skips_instead_of_resync() -> None:
    async def scenario() -> None:
        log = SharedLog()
        one = node(log)
        lagging = ShowHub("s", "show")
        lagging.channel = LogChannel(log)
        lagging.bootstrap("e1", 0, [], likes=0, viewers=None)  # not tailing yet
        a = one.join(ALICE)
        chat(one, a, "first")
        chat(one, a, "second")
        seen = [m["seq"] for m in of_type(drain(a), "chat.message")]
        conn = lagging.join(BOB, last_seq=seen[-1], epoch="e1")
        assert not of_type(drain(conn), "resync")
        for seq, type_, frame in log.frames:  # the lagging node catches up
            lagging.deliver_remote(seq, type_, frame, 1)
        assert not drain(conn)  # nothing the viewer already had
        log.hubs.append(lagging)
        chat(one, a, "third")
        got: list[dict[str, Any]] = [json.loads(f) for f, _ in conn._frames]
        assert [m["text"] for m in of_type(got, "chat.message")] == ["third"]

    run(scenario)
