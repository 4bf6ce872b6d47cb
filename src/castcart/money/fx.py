"""FX rate snapshots, the ECB reference-rate parser and conversion with a stated rounding rule.

Rounding rule (documented in docs/cross-border.md): a conversion is computed exactly in
Decimal (50 significant digits) and rounded once, to the target currency's minor unit, with
ROUND_HALF_EVEN (banker's rounding). Half-even is unbiased over many conversions, so a
catalogue converted line by line does not drift upwards. A single conversion is therefore
off by at most half a minor unit of the target currency. Cross rates go through EUR, the
ECB's base: rate(A->B) = rate(EUR->B) / rate(EUR->A).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - see parse_ecb_xml on why stdlib is acceptable
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from castcart.money.currency import UnknownCurrencyError, minor_units, validate_currency
from castcart.money.money import Money

FX_ROUNDING = ROUND_HALF_EVEN
ECB_NAMESPACE = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
ECB_SOURCE = "ECB euro foreign exchange reference rates"
_ECB_PUBLICATION = time(16, 0)  # the ECB publishes around 16:00 CET
_ECB_TZ = ZoneInfo("Europe/Berlin")
_PRECISION = 50


class FxError(ValueError):
    """Raised for a missing rate, a malformed rate file or an impossible conversion."""


@dataclass(frozen=True)
class FxSnapshot:
    """Rates at one moment: units of each currency per one unit of `base` (EUR for the ECB)."""

    source: str
    as_of: datetime
    rates: Mapping[str, Decimal]
    base: str = "EUR"
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise FxError("as_of must be timezone-aware (UTC)")
        clean: dict[str, Decimal] = {}
        for code, rate in self.rates.items():
            if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
                raise FxError(f"rate for {code} must be a positive Decimal, got {rate!r}")
            clean[code.upper()] = rate
        clean[self.base] = Decimal(1)
        object.__setattr__(self, "rates", MappingProxyType(clean))

    def currencies(self) -> frozenset[str]:
        return frozenset(self.rates)

    def _per_base(self, code: str) -> Decimal:
        try:
            return self.rates[validate_currency(code)]
        except KeyError as exc:
            raise FxError(
                f"no {code} rate in snapshot {self.source} ({self.as_of:%Y-%m-%d})"
            ) from exc
        except UnknownCurrencyError as exc:
            raise FxError(str(exc)) from exc

    def rate(self, from_currency: str, to_currency: str) -> Decimal:
        """Units of `to_currency` per one unit of `from_currency`, crossed through the base."""
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return self._per_base(to_currency) / self._per_base(from_currency)

    def convert_decimal(self, value: Decimal, from_currency: str, to_currency: str) -> Decimal:
        """Exact (unrounded) conversion of a major-unit Decimal; for threshold comparisons."""
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return value * self._per_base(to_currency) / self._per_base(from_currency)

    def convert(self, money: Money, to_currency: str) -> Conversion:
        """Convert and round once to the target minor unit (ROUND_HALF_EVEN)."""
        target = validate_currency(to_currency)
        if money.currency == target:
            return Conversion(money, money, Decimal(1), self.source, self.as_of, FX_ROUNDING)
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            exact_minor = (
                Decimal(money.amount)
                * self._per_base(target)
                / self._per_base(money.currency)
                * Decimal(1).scaleb(minor_units(target) - minor_units(money.currency))
            )
            amount = int(exact_minor.quantize(Decimal(1), rounding=FX_ROUNDING))
        return Conversion(
            source_money=money,
            result=Money(amount, target),
            rate=self.rate(money.currency, target),
            snapshot_source=self.source,
            snapshot_as_of=self.as_of,
            rounding=FX_ROUNDING,
        )


@dataclass(frozen=True)
class Conversion:
    """What an order records about a conversion: amounts, the rate and where it came from."""

    source_money: Money
    result: Money
    rate: Decimal
    snapshot_source: str
    snapshot_as_of: datetime
    rounding: str


def convert(amount: int, from_currency: str, to_currency: str, snapshot: FxSnapshot) -> int:
    """Convert integer minor units between currencies; see the module docstring for rounding."""
    return snapshot.convert(Money(amount, from_currency), to_currency).result.amount


class RateProvider(Protocol):
    """Anything that can hand out an FX snapshot (bundled file, ECB download, a paid feed)."""

    def snapshot(self) -> FxSnapshot: ...


class StaticRateProvider:
    """Serves one fixed snapshot; for tests and for orders replayed at a recorded rate."""

    def __init__(self, snapshot: FxSnapshot) -> None:
        self._snapshot = snapshot

    def snapshot(self) -> FxSnapshot:
        return self._snapshot


class EcbFileProvider:
    """Reads an eurofxref-daily.xml the operator downloads (e.g. by a daily cron job)."""

    def __init__(self, path: Path, *, supplement: bool = True) -> None:
        self._path = path
        self._supplement = supplement

    def snapshot(self) -> FxSnapshot:
        snap = parse_ecb_xml(self._path.read_bytes(), source=f"{ECB_SOURCE} ({self._path.name})")
        return with_supplement(snap) if self._supplement else snap


class BundledRateProvider:
    """The offline snapshot shipped in the package, so quoting works with no network."""

    def snapshot(self) -> FxSnapshot:
        return bundled_snapshot()


def _ecb_datetime(day: str) -> datetime:
    try:
        parsed = date.fromisoformat(day)
    except ValueError as exc:
        raise FxError(f"bad ECB date {day!r}") from exc
    return datetime.combine(parsed, _ECB_PUBLICATION, tzinfo=_ECB_TZ).astimezone(UTC)


def parse_ecb_history(data: bytes | str, *, source: str = ECB_SOURCE) -> list[FxSnapshot]:
    """Parse an ECB eurofxref XML file (daily, 90-day or full history), newest first.

    The stdlib parser is used on purpose: defusedxml is not a dependency, the file is either
    bundled with the package or supplied by the operator (never end-user input), and the
    expat shipped with Python 3.11 refuses entity-expansion bombs and external entities.
    """
    try:
        root = ET.fromstring(data)  # noqa: S314 - trusted, operator-provided file (see docstring)
    except ET.ParseError as exc:
        raise FxError(f"ECB XML is not well-formed: {exc}") from exc
    snapshots: list[FxSnapshot] = []
    for day in root.iter(f"{{{ECB_NAMESPACE}}}Cube"):
        stamp = day.get("time")
        if stamp is None:
            continue
        rates: dict[str, Decimal] = {}
        for cube in day.findall(f"{{{ECB_NAMESPACE}}}Cube"):
            code, raw = cube.get("currency"), cube.get("rate")
            if code is None or raw is None:
                raise FxError(f"ECB XML {stamp}: a Cube lacks currency or rate")
            try:
                rate = Decimal(raw)
            except InvalidOperation as exc:
                raise FxError(f"ECB XML {stamp}: bad rate {raw!r} for {code}") from exc
            if not rate.is_finite() or rate <= 0:
                raise FxError(f"ECB XML {stamp}: bad rate {raw!r} for {code}")
            rates[code.strip().upper()] = rate
        if not rates:
            raise FxError(f"ECB XML {stamp}: no rates")
        snapshots.append(
            FxSnapshot(source=f"{source} {stamp}", as_of=_ecb_datetime(stamp), rates=rates)
        )
    if not snapshots:
        raise FxError("ECB XML holds no dated Cube element")
    snapshots.sort(key=lambda s: s.as_of, reverse=True)
    return snapshots


def parse_ecb_xml(data: bytes | str, *, source: str = ECB_SOURCE) -> FxSnapshot:
    """The newest day of an ECB eurofxref XML file as one snapshot."""
    return parse_ecb_history(data, source=source)[0]


def with_supplement(snapshot: FxSnapshot) -> FxSnapshot:
    """Add currencies the ECB does not publish (SAR, AED, VND, KWD, ...) via their USD rate.

    Pegged currencies (SAR 3.75, AED 3.6725 per USD, ...) are exact; the others are indicative
    rates dated in the data file, to be refreshed by the operator.
    """
    raw = json.loads(
        resources.files("castcart.money").joinpath("data/fx-supplement.json").read_text()
    )
    usd = snapshot.rates.get("USD")
    if usd is None:
        return snapshot
    rates = dict(snapshot.rates)
    notes = list(snapshot.notes)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        for code, entry in raw["per_usd"].items():
            if code not in rates:
                rates[code] = Decimal(entry["rate"]) * usd
    notes.append(f"supplement: {raw['description']} (as of {raw['as_of']})")
    return FxSnapshot(
        source=f"{snapshot.source} + {raw['source']}",
        as_of=snapshot.as_of,
        rates=rates,
        base=snapshot.base,
        notes=tuple(notes),
    )


@lru_cache(maxsize=1)
def bundled_snapshot() -> FxSnapshot:
    """The packaged ECB snapshot plus the USD-pegged supplement (read once, immutable)."""
    data = resources.files("castcart.money").joinpath("data/ecb-snapshot.xml").read_bytes()
    return with_supplement(parse_ecb_xml(data, source=f"{ECB_SOURCE} (bundled)"))


def conversion_boot(snapshot: FxSnapshot, currencies: Iterable[str]) -> dict[str, Any]:
    """The snapshot's rates of `currencies` as the page scripts' boot data: exact decimal
    strings, so ``web/src/lib/money.js`` (``convertMinor``) converts with integer arithmetic
    to the very figure ``FxSnapshot.convert`` gives (the exact quotient, rounded once,
    half-even; the server's 50 significant digits never move that rounding)."""
    rates = {}
    for code in sorted({validate_currency(c) for c in currencies}):
        if code in snapshot.rates:
            rates[code] = format(snapshot.rates[code], "f")
    return {"source": snapshot.source, "as_of": snapshot.as_of.isoformat(), "rates": rates}
