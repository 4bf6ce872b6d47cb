"""A show with seven viewers, every event written by hand (times are seconds after T0), and
the figures computed by hand from them (docs/analytics.md walks through the arithmetic).

v1 DE/de  0-100 s (beats 30, 60, 90; end 100), landed from instagram; clicks P1, carts P1,
          checks out, pays O1 (5,000 for P1); chats, likes.
v2 DE/en 10-55 s, instagram; likes, clicks P2, no cart.
v3 FR/fr  0-200 s, share link; clicks P1, carts 2 x P1, checks out, pays O2 (8,000;
          presentment 9,000 USD); votes in a poll.
v4 US/en 65-80 s, no landing (direct).
v5 US/en  5-70 s and again 130-170 s, widget on blog.example; clicks P2 twice, carts P2,
          never checks out; answers a quiz.
v6 ID/id  0-121 s, instagram (and a newsletter landing the day before on another show);
          clicks P1, carts P2, checks out, pays O3 (3,000 for P2) with a coupon.
v7 --/-- 140-185 s, direct; checks out and pays O4 (2,000 for P3) without clicking or
          carting; chats, enters a giveaway.

Noise that every query must leave out: another store's viewer on a show with the same id
and its 99,999 order, and v1 in another show of the same store.
"""

from __future__ import annotations

from typing import Any

from castcart.analytics.schema import Event

STORE = "store_a"
OTHER_STORE = "store_b"
SHOW = "show_1"
T0 = 1_800_000_000_000  # a whole minute (minute index 30,000,000)
MINUTE0 = T0 // 60000

_COUNTRY = {"v1": "DE", "v2": "DE", "v3": "FR", "v4": "US", "v5": "US", "v6": "ID"}
_LANG = {"v1": "de", "v2": "en", "v3": "fr", "v4": "en", "v5": "en", "v6": "id"}


def _events() -> list[Event]:
    out: list[Event] = []

    def ev(viewer: str, kind: str, second: float, **kw: Any) -> None:
        kw.setdefault("show_id", SHOW)
        kw.setdefault("store_id", STORE)
        out.append(
            Event(
                id=f"e{len(out)}",
                kind=kind,
                at_ms=T0 + int(second * 1000),
                viewer_id=viewer,
                shopper_id=viewer,
                session_id=f"{viewer}-{kw.pop('session', 1)}",
                country=_COUNTRY.get(viewer) if kind == "session_start" else None,
                lang=_LANG.get(viewer) if kind == "session_start" else None,
                **kw,
            )
        )

    def room(viewer: str, start: int, beats: list[int], end: int, session: int = 1) -> None:
        ev(viewer, "session_start", start, session=session)
        last = start
        for beat in beats:
            ev(viewer, "heartbeat", beat, watch_ms=(beat - last) * 1000, session=session)
            last = beat
        ev(viewer, "session_end", end, watch_ms=(end - last) * 1000, session=session)

    def paid(
        viewer: str,
        second: int,
        order: str,
        amount: int,
        product: str,
        qty: int,
        presentment: tuple[int, str] | None = None,
    ) -> None:
        p_amount, p_currency = presentment or (amount, "EUR")
        ev(
            viewer,
            "order_paid",
            second,
            order_id=order,
            amount=amount,
            currency="EUR",
            presentment_amount=p_amount,
            presentment_currency=p_currency,
        )
        ev(
            viewer,
            "purchase_item",
            second,
            order_id=order,
            product_id=product,
            quantity=qty,
            amount=amount,
            currency="EUR",
        )

    # v1
    ev("v1", "landing", -5, source="instagram", utm_source="instagram")
    room("v1", 0, [30, 60, 90], 100)
    ev("v1", "product_impression", 15, product_id="P1", detail="card")
    ev("v1", "product_click", 20, product_id="P1", detail="card")
    ev("v1", "chat", 25)
    ev("v1", "like", 26)
    ev("v1", "add_to_cart", 40, product_id="P1", quantity=1)
    ev("v1", "checkout_start", 70)
    paid("v1", 95, "O1", 5000, "P1", 1)
    ev("v1", "landing", 300, source="tiktok", show_id="show_2")  # after the order
    ev("v1", "session_start", 300, show_id="show_2")
    # v2
    ev("v2", "landing", 9, source="instagram")
    room("v2", 10, [40], 55)
    ev("v2", "like", 30)
    ev("v2", "product_impression", 33, product_id="P2")
    ev("v2", "product_click", 35, product_id="P2", detail="pin")
    # v3
    ev("v3", "landing", -60, source="share", share_code="SHARE1")
    room("v3", 0, [30, 60, 90, 120, 150, 180], 200)
    ev("v3", "product_impression", 45, product_id="P1")
    ev("v3", "product_click", 50, product_id="P1")
    ev("v3", "add_to_cart", 60, product_id="P1", quantity=2)
    ev("v3", "poll_vote", 100)
    ev("v3", "checkout_start", 150)
    paid("v3", 190, "O2", 8000, "P1", 2, presentment=(9000, "USD"))
    # v4
    room("v4", 65, [], 80)
    # v5
    ev("v5", "landing", 4, source="widget:blog.example", widget_host="blog.example")
    room("v5", 5, [35, 65], 70)
    ev("v5", "product_click", 12, product_id="P2")
    ev("v5", "add_to_cart", 14, product_id="P2", quantity=1)
    ev("v5", "product_click", 20, product_id="P2")  # repeated: counted once in the funnel
    room("v5", 130, [160], 170, session=2)
    ev("v5", "quiz_answer", 140)
    # v6
    ev("v6", "landing", -86400, source="newsletter", show_id="show_0")
    ev("v6", "landing", -1, source="instagram")
    room("v6", 0, [30, 60, 90, 120], 121)
    ev("v6", "product_impression", 3, product_id="P1")
    ev("v6", "product_click", 5, product_id="P1")
    ev("v6", "add_to_cart", 10, product_id="P2", quantity=1)
    ev("v6", "checkout_start", 15)
    paid("v6", 20, "O3", 3000, "P2", 1)
    ev("v6", "coupon_use", 20, order_id="O3", detail="coupon_1")
    # v7
    room("v7", 140, [170], 185)
    ev("v7", "checkout_start", 150)  # out of order: no click, no cart
    ev("v7", "chat", 150)
    ev("v7", "giveaway_entry", 160)
    paid("v7", 180, "O4", 2000, "P3", 1)
    # another store, the same show id
    ev("v8", "session_start", 0, store_id=OTHER_STORE)
    ev("v8", "order_paid", 50, store_id=OTHER_STORE, order_id="OX", amount=99999)
    return out


EVENTS = _events()

EXPECTED: dict[str, Any] = {
    "summary": [
        {
            "unique_viewers": 7,
            "sessions": 8,
            "watch_ms": 631000,
            "chatters": 2,
            "likers": 2,
            "participants": 3,
            "interacting_viewers": 5,
            "product_clicks": 6,
            "add_to_carts": 4,
            "carting_viewers": 4,
            "orders": 4,
            "gmv": 18000,
            "buyers": 4,
        }
    ],
    "watch_time": [{"viewers": 7, "avg_watch_ms": 631000 / 7, "median_watch_ms": 100000}],
    "concurrency": [{"peak_viewers": 5, "concurrent_viewers": 0}],
    "minute_audience": [
        {"minute": MINUTE0, "viewers": 5, "joined": 5, "dropped": 1},
        {"minute": MINUTE0 + 1, "viewers": 5, "joined": 1, "dropped": 3},
        {"minute": MINUTE0 + 2, "viewers": 4, "joined": 2, "dropped": 2},
        {"minute": MINUTE0 + 3, "viewers": 2, "joined": 0, "dropped": 2},
    ],
    "top_products": [
        {
            "product_id": "P1",
            "impressions": 3,
            "clicks": 3,
            "carted_units": 3,
            "units_sold": 3,
            "revenue": 13000,
        },
        {
            "product_id": "P2",
            "impressions": 1,
            "clicks": 3,
            "carted_units": 2,
            "units_sold": 1,
            "revenue": 3000,
        },
        {
            "product_id": "P3",
            "impressions": 0,
            "clicks": 0,
            "carted_units": 0,
            "units_sold": 1,
            "revenue": 2000,
        },
    ],
    "audience_by_country": [
        {"country": "DE", "viewers": 2},
        {"country": "US", "viewers": 2},
        {"country": "", "viewers": 1},
        {"country": "FR", "viewers": 1},
        {"country": "ID", "viewers": 1},
    ],
    "audience_by_language": [
        {"lang": "en", "viewers": 3},
        {"lang": "", "viewers": 1},
        {"lang": "de", "viewers": 1},
        {"lang": "fr", "viewers": 1},
        {"lang": "id", "viewers": 1},
    ],
    "funnel": [
        {
            "source": "instagram",
            "viewed": 3,
            "clicked": 3,
            "carted": 2,
            "checked_out": 2,
            "paid": 2,
        },
        {"source": "direct", "viewed": 2, "clicked": 0, "carted": 0, "checked_out": 0, "paid": 0},
        {"source": "share", "viewed": 1, "clicked": 1, "carted": 1, "checked_out": 1, "paid": 1},
        {
            "source": "widget:blog.example",
            "viewed": 1,
            "clicked": 1,
            "carted": 1,
            "checked_out": 0,
            "paid": 0,
        },
    ],
    "attribution": [
        {"model": "first", "source": "share", "orders": 1, "revenue": 8000},
        {"model": "first", "source": "instagram", "orders": 1, "revenue": 5000},
        {"model": "first", "source": "newsletter", "orders": 1, "revenue": 3000},
        {"model": "first", "source": "direct", "orders": 1, "revenue": 2000},
        {"model": "last", "source": "instagram", "orders": 2, "revenue": 8000},
        {"model": "last", "source": "share", "orders": 1, "revenue": 8000},
        {"model": "last", "source": "direct", "orders": 1, "revenue": 2000},
    ],
}
