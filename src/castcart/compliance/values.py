"""Value types shared by the claim checker, the fact checker and the CLI.

Kept free of any web framework so the checker can run in a caption worker, a script
review endpoint or a batch job alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from castcart.compliance.price_reference import PricePoint

Severity = Literal["low", "medium", "high"]
SEVERITIES: Final[tuple[Severity, ...]] = ("low", "medium", "high")

#: The category names are a public contract (CLI output, labelled set, host console).
CATEGORIES: Final[tuple[str, ...]] = (
    "absolute_claim",
    "medical_claim",
    "missing_ad_disclosure",
    "fake_urgency",
    "unverified_comparison",
    "environmental_claim_unsubstantiated",
    "price_reference_misleading",
    "restricted_product_market",
)


class ComplianceInputError(ValueError):
    """Bad input (unknown market, malformed context) with a machine-readable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text: which rule, where (character span), how bad, what to say."""

    category: str
    rule: str
    start: int
    end: int
    severity: Severity
    suggestion: str
    source: str = ""
    matched: str = ""
    #: The facts that decided a judged claim (price references: claimed reference, lowest
    #: 30-day price, the dates; cleared comparisons: the evidence record cited).
    evidence: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The CLI / API shape (the public contract: six keys)."""
        return {
            "category": self.category,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "severity": self.severity,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class FactFinding:
    """A contradiction between what was said and the catalog record of the product."""

    attribute: str
    rule: str
    start: int
    end: int
    claimed: str
    catalog: str
    severity: Severity
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        """JSON shape used by the CLI's ``--facts`` output."""
        return {
            "attribute": self.attribute,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "claimed": self.claimed,
            "catalog": self.catalog,
            "severity": self.severity,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class FlashSale:
    """The show's running flash sale, as the commerce core knows it."""

    ends_at: datetime | None = None
    remaining_quantity: int | None = None
    initial_quantity: int | None = None
    #: True when the seller has committed that this price will not come back.
    one_time: bool = False


@dataclass(frozen=True, slots=True)
class PriceHistory:
    """Price facts needed to judge a reference ("was") price."""

    lowest_30d: Decimal | None = None
    current: Decimal | None = None
    #: The price the product was actually sold at for a substantial period (FTC 16 CFR 233.1).
    regular: Decimal | None = None
    #: Lowest price ever recorded, to judge "lowest price ever" claims.
    all_time_low: Decimal | None = None
    currency: str | None = None
    #: The recorded price history (every price offered, when, where): when given, price
    #: references are judged against it (``castcart.compliance.price_reference``). Read only
    #: when a price claim is found, so a lazy sequence can defer the database read.
    points: Sequence[PricePoint] = ()


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Optional show facts the checker judges claims against.

    ``None`` on a field means *unknown*; the checker then treats a factual claim as
    unverifiable (a low-severity finding) rather than as confirmed.
    """

    now: datetime | None = None
    timezone: str | None = None
    flash_sale: FlashSale | None = None
    stock_remaining: int | None = None
    low_stock_threshold: int = 20
    price_history: PriceHistory | None = None
    sponsored: bool | None = None
    material_connection: bool | None = None
    disclosure_label_shown: bool = False
    product_attributes: Mapping[str, Any] = field(default_factory=dict)
    restricted_flags: frozenset[str] = frozenset()
    #: Claim kinds the seller holds evidence for, e.g. {"best_seller", "comparison"}.
    substantiated: frozenset[str] = frozenset()
    halal_certified: bool | None = None
    market: str | None = None

    def current_time(self) -> datetime:
        """The reference instant (injected in tests, wall clock otherwise)."""
        now = self.now or datetime.now(UTC)
        return now if now.tzinfo else now.replace(tzinfo=UTC)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckContext:
        """Build from JSON (CLI, API); wrong types raise ``ComplianceInputError``."""
        if not isinstance(data, Mapping):
            raise ComplianceInputError("invalid_context", "context must be a JSON object")
        try:
            sale_raw = data.get("flash_sale")
            sale: FlashSale | None = None
            if sale_raw is not None:
                if not isinstance(sale_raw, Mapping):
                    raise ComplianceInputError("invalid_context", "flash_sale must be an object")
                sale = FlashSale(
                    ends_at=_dt(sale_raw.get("ends_at")),
                    remaining_quantity=_int(
                        sale_raw.get("remaining_quantity", sale_raw.get("remaining"))
                    ),
                    initial_quantity=_int(sale_raw.get("initial_quantity")),
                    one_time=bool(sale_raw.get("one_time", False)),
                )
            ph_raw = data.get("price_history")
            ph_map: Mapping[str, Any] = ph_raw if isinstance(ph_raw, Mapping) else {}
            if ph_raw is not None and not isinstance(ph_raw, Mapping):
                raise ComplianceInputError("invalid_context", "price_history must be an object")
            lowest = _dec(ph_map.get("lowest_30d", data.get("lowest_price_30d")))
            current = _dec(ph_map.get("current", data.get("current_price")))
            regular = _dec(ph_map.get("regular", data.get("regular_price")))
            all_time = _dec(ph_map.get("all_time_low", data.get("all_time_low")))
            points = _points(ph_map.get("points"))
            history = None
            if points or any(v is not None for v in (lowest, current, regular, all_time)):
                history = PriceHistory(
                    lowest_30d=lowest,
                    current=current,
                    regular=regular,
                    all_time_low=all_time,
                    currency=_str(ph_map.get("currency", data.get("currency"))),
                    points=points,
                )
            attrs = data.get("product_attributes") or {}
            if not isinstance(attrs, Mapping):
                raise ComplianceInputError(
                    "invalid_context", "product_attributes must be an object"
                )
            flags = data.get("restricted_flags") or []
            subst = data.get("substantiated") or []
            if not isinstance(flags, list) or not isinstance(subst, list):
                raise ComplianceInputError(
                    "invalid_context", "restricted_flags and substantiated must be lists"
                )
            halal = data.get("halal_certified", attrs.get("halal_certified"))
            return cls(
                now=_dt(data.get("now")),
                timezone=_str(data.get("timezone")),
                flash_sale=sale,
                stock_remaining=_int(data.get("stock_remaining", data.get("stock"))),
                low_stock_threshold=_int(data.get("low_stock_threshold")) or 20,
                price_history=history,
                sponsored=_opt_bool(data.get("sponsored")),
                material_connection=_opt_bool(data.get("material_connection")),
                disclosure_label_shown=bool(
                    data.get("disclosure_label_shown", data.get("disclosure_shown", False))
                ),
                product_attributes=dict(attrs),
                restricted_flags=frozenset(str(f).lower() for f in flags),
                substantiated=frozenset(str(s).lower() for s in subst),
                halal_certified=_opt_bool(halal),
                market=_str(data.get("market")),
            )
        except ComplianceInputError:
            raise
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise ComplianceInputError("invalid_context", f"bad context value: {exc}") from exc


def _dt(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        raise ComplianceInputError("invalid_context", "times must be ISO 8601 strings")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _points(raw: Any) -> tuple[PricePoint, ...]:
    """``[{"amount", "starts_at", "ends_at"?, "kind"?, "markets"?}]`` as price points."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ComplianceInputError("invalid_context", "price_history.points must be a list")
    out = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise ComplianceInputError("invalid_context", "a price point must be an object")
        amount = _dec(item.get("amount"))
        starts = _dt(item.get("starts_at"))
        if amount is None or starts is None:
            raise ComplianceInputError(
                "invalid_context", "a price point needs amount and starts_at"
            )
        markets = item.get("markets") or []
        if not isinstance(markets, list):
            raise ComplianceInputError("invalid_context", "price point markets must be a list")
        out.append(
            PricePoint(
                amount=amount,
                starts_at=starts,
                ends_at=_dt(item.get("ends_at")),
                kind=str(item.get("kind", "list")),
                markets=frozenset(str(m).upper() for m in markets),
                currency=_str(item.get("currency")),
            )
        )
    return tuple(out)


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ComplianceInputError("invalid_context", f"expected an integer, got {value!r}")
    return int(value)


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ComplianceInputError("invalid_context", f"expected a number, got {value!r}")
    return Decimal(str(value))


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)
