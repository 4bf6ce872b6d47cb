"""The data table is dated, versioned, and cites a source for every jurisdiction."""

from datetime import date

from castcart.money import validate_currency
from castcart.tax import SUPPORTED_DESTINATIONS, default_table
from castcart.tax.table import EU_MEMBERS


def test_table_is_dated_and_versioned() -> None:
    table = default_table()
    assert table.version
    assert table.as_of == date(2026, 11, 1)
    assert "re-verify" in table.disclaimer


def test_every_jurisdiction_cites_sources() -> None:
    table = default_table()
    assert set(table.jurisdictions) >= EU_MEMBERS
    for code, j in table.jurisdictions.items():
        assert j.sources, code
        assert all(s.url.startswith("https://") and s.title for s in j.sources), code
        validate_currency(j.currency)
        assert j.is_eu == (code in EU_MEMBERS)
    assert table.eu.sources


def test_every_destination_has_table_data() -> None:
    table = default_table()
    for code in SUPPORTED_DESTINATIONS - {"LI"}:
        assert code in table.jurisdictions, code


def test_us_and_canada_tables_complete() -> None:
    table = default_table()
    assert len(table.us_states) == 51  # 50 states + DC
    assert set(table.ca_provinces) == {
        "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    }  # fmt: skip
    for p in table.ca_provinces.values():
        assert (p.hst is None) != (p.gst is None)
