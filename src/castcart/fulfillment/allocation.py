"""Which warehouse ships what: one parcel from the fastest warehouse when it can, else as few
parcels as possible. Every tie is broken by a fixed key, so the same order, stock and lanes
always give the same shipments (retries and idempotent checkouts depend on it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from castcart.fulfillment.errors import FulfillmentError
from castcart.fulfillment.values import Lane, Shipment, normalise_country

# Above this many candidate subsets of one size the exact search gives way to a greedy cover;
# an independent store's handful of warehouses never comes close.
MAX_EXACT_SUBSETS = 20_000

LaneKey = tuple[int, int, bool, str, str]


def _lane_key(lane: Lane) -> LaneKey:
    """Fastest first: latest promised day, then earliest, then no customs, then names."""
    return (lane.transit_days_max, lane.transit_days_min, lane.customs, lane.carrier, lane.service)


def best_lane(origin: str, destination: str, lanes: Iterable[Lane]) -> Lane | None:
    """The fastest lane from warehouse `origin` to `destination`, or None."""
    fitting = [ln for ln in lanes if ln.origin == origin and ln.serves(destination)]
    return min(fitting, key=_lane_key) if fitting else None


def _normalise_lines(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for line in lines:
        try:
            sku, qty = line
        except (TypeError, ValueError) as exc:
            raise FulfillmentError("invalid_line", f"a line is (sku, qty), got {line!r}") from exc
        if not isinstance(sku, str) or not sku:
            raise FulfillmentError("invalid_line", f"sku must be a non-empty string, got {sku!r}")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            raise FulfillmentError(
                "invalid_line", f"quantity of {sku!r} must be a positive int, got {qty!r}"
            )
        merged[sku] = merged.get(sku, 0) + qty
    if not merged:
        raise FulfillmentError("empty_order", "nothing to allocate")
    return merged


def _normalise_stock(stock: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for code, levels in stock.items():
        row: dict[str, int] = {}
        for sku, available in levels.items():
            if isinstance(available, bool) or not isinstance(available, int):
                raise FulfillmentError(
                    "invalid_stock", f"stock of {sku!r} at {code!r} must be an int"
                )
            # Counters can dip below zero after an oversell correction: nothing to take there.
            row[sku] = max(available, 0)
        out[code] = row
    return out


def _covers(
    subset: Sequence[str], need: Mapping[str, int], stock: Mapping[str, Mapping[str, int]]
) -> bool:
    return all(sum(stock[c].get(sku, 0) for c in subset) >= qty for sku, qty in need.items())


def _assign(
    subset: Sequence[str], need: Mapping[str, int], stock: Mapping[str, Mapping[str, int]]
) -> dict[str, list[tuple[str, int]]]:
    """Give each line whole to the fastest warehouse in `subset` that has it all; split a line
    over the subset, fastest first, only when no single one does."""
    parcels: dict[str, list[tuple[str, int]]] = {code: [] for code in subset}
    for sku, qty in need.items():
        whole = next((c for c in subset if stock[c].get(sku, 0) >= qty), None)
        if whole is not None:
            parcels[whole].append((sku, qty))
            continue
        left = qty
        for code in subset:
            take = min(left, stock[code].get(sku, 0))
            if take:
                parcels[code].append((sku, take))
                left -= take
            if not left:
                break
    return parcels


def _greedy_cover(
    ranked: Sequence[str], need: Mapping[str, int], stock: Mapping[str, Mapping[str, int]]
) -> list[str]:
    remaining = dict(need)
    chosen: list[str] = []
    while any(remaining.values()):
        best = max(
            (c for c in ranked if c not in chosen),
            key=lambda c: (
                sum(min(q, stock[c].get(s, 0)) for s, q in remaining.items()),
                -ranked.index(c),
            ),
        )
        chosen.append(best)
        for sku, qty in remaining.items():
            remaining[sku] = max(0, qty - stock[best].get(sku, 0))
    return sorted(chosen, key=ranked.index)


def allocate(
    lines: Iterable[tuple[str, int]],
    stock: Mapping[str, Mapping[str, int]],
    destination_country: str,
    lanes: Sequence[Lane],
) -> list[Shipment]:
    """Split an order's lines into shipments from the warehouses in `stock`.

    1. Only warehouses with a lane to the destination count; each uses its fastest lane.
    2. If one warehouse has every line, the one with the fastest lane ships it all.
    3. Otherwise the fewest warehouses that together hold everything ship it; among equally
       few, the set whose slowest parcel arrives soonest, then fewer customs lanes, then the
       faster-ranked warehouses win.
    Raises FulfillmentError: "no_lane", "insufficient_stock" (with `details["shortfall"]`).
    """
    destination = normalise_country(destination_country)
    need = _normalise_lines(lines)
    levels = _normalise_stock(stock)

    lane_of: dict[str, Lane] = {}
    for code in levels:
        lane = best_lane(code, destination, lanes)
        if lane is not None:
            lane_of[code] = lane
    if not lane_of:
        raise FulfillmentError(
            "no_lane",
            f"no warehouse in stock has a lane to {destination}",
            {"country": destination},
        )
    ranked = sorted(lane_of, key=lambda c: (_lane_key(lane_of[c]), c))

    shortfall = {
        sku: qty - sum(levels[c].get(sku, 0) for c in ranked)
        for sku, qty in need.items()
        if sum(levels[c].get(sku, 0) for c in ranked) < qty
    }
    if shortfall:
        raise FulfillmentError(
            "insufficient_stock",
            f"not enough stock reachable from {destination}: "
            + ", ".join(f"{sku} short by {n}" for sku, n in sorted(shortfall.items())),
            {"shortfall": shortfall, "country": destination},
        )

    single = next((c for c in ranked if _covers([c], need, levels)), None)
    if single is not None:
        return [Shipment(single, lane_of[single], tuple(need.items()))]

    # Warehouses holding none of the lines can't shorten the list of parcels.
    useful = [c for c in ranked if any(levels[c].get(sku, 0) for sku in need)]
    chosen: list[str] = useful
    for size in range(2, len(useful) + 1):
        feasible: list[tuple[str, ...]] = []
        truncated = False
        # combinations() walks subsets in rank order, so ties fall to faster warehouses.
        for count, subset in enumerate(combinations(useful, size)):
            if count >= MAX_EXACT_SUBSETS:
                truncated = True
                break
            if _covers(subset, need, levels):
                feasible.append(subset)
        if feasible:
            chosen = list(
                min(
                    feasible,
                    key=lambda s: (
                        max(lane_of[c].transit_days_max for c in s),
                        max(lane_of[c].transit_days_min for c in s),
                        sum(lane_of[c].customs for c in s),
                        [ranked.index(c) for c in s],
                    ),
                )
            )
            break
        if truncated:
            chosen = _greedy_cover(useful, need, levels)
            break

    parcels = _assign(chosen, need, levels)
    return [Shipment(code, lane_of[code], tuple(parcels[code])) for code in chosen if parcels[code]]
