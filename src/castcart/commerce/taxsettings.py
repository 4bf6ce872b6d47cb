"""A store's pricing and tax-registration settings, and the FX snapshot checkout uses."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.commerce.crossborder import TaxProfile, home_rate
from castcart.commerce.models import StoreTaxSettings
from castcart.core.errors import UnprocessableError
from castcart.core.settings import Settings
from castcart.money import EcbFileProvider, FxError, FxSnapshot, bundled_snapshot
from castcart.money.feed import LATEST, fx_dir
from castcart.tax import Category, check_vat_id
from castcart.tax.table import EU_MEMBERS

# Shelf prices there are quoted before sales tax; everywhere else consumer prices include
# VAT/GST by law or custom (EU Price Indication Directive 98/6/EC, UK, AU, ...).
NET_PRICE_MARKETS = frozenset({"US", "CA"})


def gross_supported(country: str, currency: str) -> bool:
    try:
        home_rate(_profile_stub(country, currency), Category.GENERAL, currency, date.today())
    except UnprocessableError:
        return False
    return True


def _profile_stub(country: str, currency: str) -> TaxProfile:
    return TaxProfile(home_country=country, store_currency=currency, prices_include_tax=True)


def defaults_for(store: Store) -> StoreTaxSettings:
    """Unsaved settings: gross prices where the home market has one national VAT/GST."""
    gross = store.country not in NET_PRICE_MARKETS and gross_supported(
        store.country, store.currency
    )
    return StoreTaxSettings(
        store_id=store.id,
        prices_include_tax=gross,
        legal_name=store.name,
        address="",
        vat_number=None,
        ioss_number=None,
        registrations={},
        ddp=False,
        eu_distance_sales_prior_year=None,
        eu_distance_sales_current_year=None,
    )


def get_settings_row(session: Session, store: Store) -> StoreTaxSettings:
    return session.get(StoreTaxSettings, store.id) or defaults_for(store)


def profile_for(session: Session, store: Store) -> TaxProfile:
    row = get_settings_row(session, store)
    return TaxProfile(
        home_country=store.country,
        store_currency=store.currency,
        prices_include_tax=row.prices_include_tax,
        ddp=row.ddp,
        vat_number=row.vat_number,
        ioss_number=row.ioss_number,
        registrations=dict(row.registrations or {}),
        eu_distance_sales_prior_year=row.eu_distance_sales_prior_year,
        eu_distance_sales_current_year=row.eu_distance_sales_current_year,
    )


def save_settings(session: Session, store: Store, values: dict[str, object]) -> StoreTaxSettings:
    """Validate and store; a VAT number must pass its check digits, gross prices need a
    home market with one national rate."""
    vat = values.get("vat_number")
    if isinstance(vat, str) and vat and (store.country in EU_MEMBERS or store.country == "GB"):
        check = check_vat_id(vat, store.country)
        if not check.valid:
            raise UnprocessableError(check.reason, code="invalid_vat_number")
        values = {**values, "vat_number": check.number}
    if values.get("prices_include_tax") and not gross_supported(store.country, store.currency):
        raise UnprocessableError(
            f"gross prices need one national VAT/GST rate in {store.country}",
            code="gross_prices_unsupported",
        )
    row = session.get(StoreTaxSettings, store.id)
    if row is None:
        row = defaults_for(store)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return row


@lru_cache(maxsize=4)
def _file_snapshot(path: Path, mtime_ns: int) -> FxSnapshot:
    return EcbFileProvider(path).snapshot()


def fx_snapshot(settings: Settings) -> FxSnapshot:
    """The operator's ECB file when configured (re-read when it changes), else the rates
    `castcart fx refresh` kept under {data_dir}/fx/, else the bundled snapshot."""
    path = settings.fx_rates_file
    if path is None:
        kept = fx_dir(settings.data_dir) / LATEST
        if not kept.is_file():
            return bundled_snapshot()
        path = kept
    try:
        return _file_snapshot(path, path.stat().st_mtime_ns)
    except (OSError, FxError) as exc:
        raise UnprocessableError(
            f"the FX rates file cannot be read: {exc}", code="fx_unavailable"
        ) from exc
