"""Destination tax and duties for cross-border orders (pure logic, no web framework)."""

from castcart.tax.engine import SUPPORTED_DESTINATIONS, normalise_case, quote
from castcart.tax.report import OrderTaxRecord, ReportRow, period_report, report_csv, write_csv
from castcart.tax.table import TaxTable, default_table
from castcart.tax.us import RatesProvider, SalesTaxRate, StateBaseRatesProvider
from castcart.tax.values import (
    COLLECTED_AT,
    Category,
    CollectedAt,
    Rule,
    TaxCase,
    TaxError,
    TaxLine,
    TaxQuote,
    ThresholdCheck,
)
from castcart.tax.vat_ids import VatIdCheck, check_vat_id

__all__ = [
    "COLLECTED_AT",
    "SUPPORTED_DESTINATIONS",
    "Category",
    "CollectedAt",
    "OrderTaxRecord",
    "RatesProvider",
    "ReportRow",
    "Rule",
    "SalesTaxRate",
    "StateBaseRatesProvider",
    "TaxCase",
    "TaxError",
    "TaxLine",
    "TaxQuote",
    "TaxTable",
    "ThresholdCheck",
    "VatIdCheck",
    "check_vat_id",
    "default_table",
    "normalise_case",
    "period_report",
    "quote",
    "report_csv",
    "write_csv",
]
