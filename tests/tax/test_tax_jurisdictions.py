"""Table-driven tax tests: one hand-checked amount per jurisdiction, each naming its rule.

Amounts are worked out by hand from the rates in the data table (values are net; tax is
rounded half-up to the minor unit). Cases use the destination's currency so no FX is involved.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from castcart.money import Money
from castcart.tax import Category, TaxCase, TaxError, default_table, quote
from castcart.tax.table import EU_MEMBERS


def case(
    seller: str,
    buyer: str,
    goods: str,
    currency: str,
    shipping: str = "0",
    category: str = "general",
    **kw: object,
) -> TaxCase:
    return TaxCase(
        seller_country=seller,
        buyer_country=buyer,
        goods_value=Money.of(goods, currency).amount,
        currency=currency,
        shipping_value=Money.of(shipping, currency).amount,
        category=Category(category),
        **kw,  # type: ignore[arg-type]
    )


# EU import scheme, IOSS (intrinsic value <= EUR 150): destination standard VAT on EUR 100
# goods + EUR 10 shipping, collected at checkout.  110.00 x rate.
EU_IOSS_STANDARD = {
    "AT": ("20", "22.00"), "BE": ("21", "23.10"), "BG": ("20", "22.00"), "HR": ("25", "27.50"),
    "CY": ("19", "20.90"), "CZ": ("21", "23.10"), "DK": ("25", "27.50"), "EE": ("24", "26.40"),
    "FI": ("25.5", "28.05"), "FR": ("20", "22.00"), "DE": ("19", "20.90"), "GR": ("24", "26.40"),
    "HU": ("27", "29.70"), "IE": ("23", "25.30"), "IT": ("22", "24.20"), "LV": ("21", "23.10"),
    "LT": ("21", "23.10"), "LU": ("17", "18.70"), "MT": ("18", "19.80"), "NL": ("21", "23.10"),
    "PL": ("23", "25.30"), "PT": ("23", "25.30"), "RO": ("21", "23.10"), "SK": ("23", "25.30"),
    "SI": ("22", "24.20"), "ES": ("21", "23.10"), "SE": ("25", "27.50"),
}  # fmt: skip


def test_every_member_state_is_covered() -> None:
    assert set(EU_IOSS_STANDARD) == EU_MEMBERS


@pytest.mark.parametrize(("country", "expected"), sorted(EU_IOSS_STANDARD.items()))
def test_eu_ioss_standard_rate(country: str, expected: tuple[str, str]) -> None:
    # rule eu_ioss_low_value: non-EU seller, goods <= EUR 150 -> destination VAT at checkout.
    rate, amount = expected
    result = quote(case("CN", country, "100.00", "EUR", "10.00"))
    assert result.rule.id == "eu_ioss_low_value"
    (line,) = result.lines
    assert (line.rate_percent, Money(line.amount, "EUR").major()) == (Decimal(rate), amount)
    assert (line.collected_at, line.scheme, line.jurisdiction) == ("checkout", "IOSS", country)


# Reduced rates by category (rule eu_ioss_low_value, EUR 100 + 10 shipping).
EU_REDUCED = [
    ("DE", "books", "7", "7.70"),  # UStG sec. 12(2): books 7%
    ("DE", "food", "7", "7.70"),
    ("DE", "medicine", "19", "20.90"),  # medicines are standard-rated in Germany
    ("FR", "food", "5.5", "6.05"),
    ("FR", "medicine", "10", "11.00"),  # non-reimbursable medicines
    ("NL", "food", "9", "9.90"),
    ("IT", "books", "4", "4.40"),
    ("IT", "food", "10", "11.00"),
    ("ES", "medicine", "4", "4.40"),
    ("ES", "food", "10", "11.00"),
    ("IE", "children_clothing", "0", "0.00"),  # Irish zero rate
    ("IE", "clothing", "23", "25.30"),
    ("LU", "children_clothing", "3", "3.30"),
    ("SE", "food", "6", "6.60"),  # temporary 6% 2026-04-01..2027-12-31
    ("FI", "food", "13.5", "14.85"),  # 13.5% from 2026-01-01
    ("PL", "medicine", "8", "8.80"),
    ("CZ", "books", "0", "0.00"),  # CZ books zero since 2024
    ("RO", "food", "11", "12.10"),  # single reduced rate since 2025-08-01
    ("AT", "electronics", "20", "22.00"),
    ("BE", "cosmetics", "21", "23.10"),
]


@pytest.mark.parametrize(("country", "category", "rate", "amount"), EU_REDUCED)
def test_eu_reduced_rates(country: str, category: str, rate: str, amount: str) -> None:
    result = quote(case("CN", country, "100.00", "EUR", "10.00", category))
    (line,) = result.lines
    assert line.rate_percent == Decimal(rate)
    assert Money(line.amount, "EUR").major() == amount


def test_eu_import_above_150_vat_and_duty_at_import() -> None:
    # rule eu_import_above_150: duty 4% (estimate) on 160.00 = 6.40; VAT 19% on 166.40 = 31.62.
    result = quote(case("CN", "DE", "150.01", "EUR", "9.99"))
    assert result.rule.id == "eu_import_above_150"
    (duty,) = result.duties
    assert (duty.amount, duty.collected_at, duty.estimate) == (640, "import", True)
    (vat,) = result.lines
    assert (vat.amount, vat.collected_at, vat.name) == (3162, "import", "Import VAT")
    assert result.landed_cost == 15001 + 999 + 640 + 3162


def test_eu_import_ddp_prepaid_at_checkout() -> None:
    result = quote(case("US", "FR", "200.00", "EUR", "0", "clothing", ddp=True))
    # duty 12% of 200 = 24.00; VAT 20% of 224.00 = 44.80, both prepaid (DDP).
    assert [(x.amount, x.collected_at, x.scheme) for x in result.duties] == [
        (2400, "checkout", "DDP")
    ]
    assert [(x.amount, x.collected_at) for x in result.lines] == [(4480, "checkout")]


def test_eu_flat_duty_applies_from_july_2026_only() -> None:
    from datetime import date

    after = quote(case("CN", "NL", "20.00", "EUR", on=date(2026, 11, 1)))
    assert [(d.amount, d.collected_at) for d in after.duties] == [(300, "checkout")]
    before = quote(case("CN", "NL", "20.00", "EUR", on=date(2026, 6, 30)))
    assert before.duties == ()


def test_eu_domestic_sale() -> None:
    # rule eu_domestic: DE seller to DE consumer, 19% on 100 + 10.
    result = quote(case("DE", "DE", "100.00", "EUR", "10.00"))
    assert result.rule.id == "eu_domestic"
    assert [(x.amount, x.scheme) for x in result.lines] == [(2090, "domestic")]


@dataclass(frozen=True)
class Row:
    """seller, buyer, goods, currency, shipping, category, region, rule, lines, duties."""

    seller: str
    buyer: str
    goods: str
    currency: str
    shipping: str
    category: str
    region: str | None
    rule: str
    lines: list[tuple[str, str, str, str]]  # (name, rate, amount, collected_at)
    duties: list[tuple[str, str]]  # (amount, collected_at)


NON_EU = [
    # UK: GBP 135 point-of-sale rule; 20% of 110.00 = 22.00.
    Row("US", "GB", "100.00", "GBP", "10.00", "general", None, "gb_low_value_point_of_sale",
        [("VAT", "20", "22.00", "checkout")], []),
    # UK zero rate on books.
    Row("US", "GB", "100.00", "GBP", "10.00", "books", None, "gb_low_value_point_of_sale",
        [("VAT", "0", "0.00", "checkout")], []),
    # UK domestic.
    Row("GB", "GB", "100.00", "GBP", "0", "general", None, "gb_domestic",
        [("VAT", "20", "20.00", "checkout")], []),
    # Norway VOEC: 25% of 1,100 = 275.00. Food is outside VOEC at any value (Skatteetaten):
    # import VAT 15% of 1,100 = 165.00 at the border.
    # Japan: 30,000 x 0.6 + 2,000 = 20,000; duty 3 % 600; tax base 20,000 (down to 1,000).
    Row("US", "JP", "30000", "JPY", "2000", "general", None, "jp_import",
        [("Import consumption tax (national)", "7.8", "1500", "import"),
         ("Local consumption tax", "2.2", "400", "import")], [("600", "import")]),
    Row("US", "NO", "1000.00", "NOK", "100.00", "general", None, "no_voec",
        [("VAT (MVA)", "25", "275.00", "checkout")], []),
    Row("US", "NO", "1000.00", "NOK", "100.00", "food", None, "no_import_voec_excluded",
        [("Import VAT (MVA)", "15", "165.00", "import")], []),
    # Switzerland: import VAT 8.1% of 110.00 = 8.91 (> CHF 5), at import.
    Row("DE", "CH", "100.00", "CHF", "10.00", "general", None, "ch_import_vat",
        [("Import VAT", "8.1", "8.91", "import")], []),
    # Switzerland reduced 2.6% on books: 2.86 <= CHF 5 -> not collected.
    Row("DE", "CH", "100.00", "CHF", "10.00", "books", None, "ch_de_minimis",
        [("Import VAT (not collected)", "0", "0.00", "none")], []),
    # Australia LVG: GST 10% of 110.00 = 11.00 at checkout; basic food GST-free.
    Row("US", "AU", "100.00", "AUD", "10.00", "general", None, "au_lvg",
        [("GST", "10", "11.00", "checkout")], []),
    Row("US", "AU", "100.00", "AUD", "10.00", "food", None, "au_lvg",
        [("GST", "0", "0.00", "checkout")], []),
    # New Zealand: GST 15% of 110.00 = 16.50.
    Row("US", "NZ", "100.00", "NZD", "10.00", "food", None, "nz_lvg",
        [("GST", "15", "16.50", "checkout")], []),
    # Singapore OVR: GST 9% of 110.00 = 9.90.
    Row("CN", "SG", "100.00", "SGD", "10.00", "general", None, "sg_lvg",
        [("GST", "9", "9.90", "checkout")], []),
    # Singapore above SGD 400: import GST 9% of 510.00 = 45.90, no duty.
    Row("CN", "SG", "500.00", "SGD", "10.00", "general", None, "sg_import_above_400",
        [("Import GST", "9", "45.90", "import")], []),
    # Malaysia LVG: 10% of the goods only (shipping excluded) = 10.00.
    Row("CN", "MY", "100.00", "MYR", "10.00", "general", None, "my_lvg",
        [("Sales tax", "10", "10.00", "checkout")], []),
    # Malaysia above MYR 500: duty 5% of 610 = 30.50; sales tax 10% of 640.50 = 64.05.
    Row("CN", "MY", "600.00", "MYR", "10.00", "general", None, "my_import_above_500",
        [("Import Sales tax", "10", "64.05", "import")], [("30.50", "import")]),
    # Saudi Arabia: import VAT 15% of 110.00 = 16.50 (CIF <= SAR 1,000: no duty).
    Row("US", "SA", "100.00", "SAR", "10.00", "general", None, "sa_import_vat",
        [("Import VAT", "15", "16.50", "import")], []),
    # Saudi Arabia above SAR 1,000: duty 5% of 2,100 = 105.00; VAT 15% of 2,205 = 330.75.
    Row("US", "SA", "2000.00", "SAR", "100.00", "general", None, "sa_import_vat",
        [("Import VAT", "15", "330.75", "import")], [("105.00", "import")]),
    Row("SA", "SA", "100.00", "SAR", "10.00", "general", None, "sa_domestic",
        [("VAT", "15", "16.50", "checkout")], []),
    # UAE: 5% of 110.00 = 5.50.
    Row("US", "AE", "100.00", "AED", "10.00", "general", None, "ae_import_vat",
        [("Import VAT", "5", "5.50", "import")], []),
    # Thailand: duty 10% of 1,100 = 110; VAT 7% of 1,210 = 84.70.
    Row("CN", "TH", "1000.00", "THB", "100.00", "general", None, "th_import",
        [("Import VAT", "7", "84.70", "import")], [("110.00", "import")]),
    # Vietnam: duty 10% of 1,050,000 = 105,000; VAT 8% of 1,155,000 = 92,400.
    Row("CN", "VN", "1000000", "VND", "50000", "general", None, "vn_import",
        [("Import VAT", "8", "92400", "import")], [("105000", "import")]),
    # Vietnam electronics keep 10%: duty 5% of 1,050,000 = 52,500; VAT 10% of 1,102,500.
    Row("CN", "VN", "1000000", "VND", "50000", "electronics", None, "vn_import",
        [("Import VAT", "10", "110250", "import")], [("52500", "import")]),
    # Philippines above PHP 10,000: duty 5% of 21,000 = 1,050; VAT 12% of 22,050 = 2,646.
    Row("CN", "PH", "20000.00", "PHP", "1000.00", "general", None, "ph_import",
        [("Import VAT", "12", "2646.00", "import")], [("1050.00", "import")]),
    # Mexico, courier parcel from China (no trade agreement) under USD 1,000: global rate
    # 33.5% (since 2025-08-15) of the customs value 1,100 = 368.50 at import (RGCE 3.7.3).
    Row("CN", "MX", "1000.00", "MXN", "100.00", "general", None, "mx_courier_global_rate",
        [("Tasa global (courier: duty and IVA)", "33.5", "368.50", "import")], []),
    Row("MX", "MX", "1000.00", "MXN", "100.00", "food", None, "mx_domestic",
        [("IVA", "0", "0.00", "checkout")], []),
    # Indonesia USD 3-1,500: duty 7.5% of 55 = 4.13; VAT 11% of 59.13 = 6.50.
    Row("CN", "ID", "50.00", "USD", "5.00", "general", None, "id_consignment_simplified",
        [("PPN (VAT)", "11", "6.50", "import")], [("4.13", "import")]),
    # Indonesia MFN textiles: duty 25% of 55 = 13.75; VAT 11% and PPh 10% of 68.75.
    Row("CN", "ID", "50.00", "USD", "5.00", "clothing", None, "id_consignment_mfn",
        [("PPN (VAT)", "11", "7.56", "import"),
         ("PPh 22 import income tax", "10", "6.88", "import")],
        [("13.75", "import")]),
    # Indonesia up to USD 3 FOB: no duty, VAT 11% of 3.00 = 0.33.
    Row("CN", "ID", "2.00", "USD", "1.00", "general", None, "id_consignment_duty_free",
        [("PPN (VAT)", "11", "0.33", "import")], []),
    # Brazil Remessa Conforme <= USD 50: II 20% of 45 = 9.00; ICMS 17% gross-up
    # (45 + 9) x 0.17 / 0.83 = 11.06; both at checkout.
    Row("CN", "BR", "40.00", "USD", "5.00", "general", "SP", "br_remessa_conforme",
        [("ICMS", "17", "11.06", "checkout")], [("9.00", "checkout")]),
    # Brazil > USD 50, MG (ICMS 20%): II 60% of 110 - 20 = 46.00; ICMS 156 x 0.2 / 0.8 = 39.00.
    Row("CN", "BR", "100.00", "USD", "10.00", "general", "MG", "br_remessa_conforme",
        [("ICMS", "20", "39.00", "checkout")], [("46.00", "checkout")]),
    # Canada domestic by province (shipping taxable): 110.00 base.
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "ON", "ca_domestic",
        [("HST", "13", "14.30", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "NS", "ca_domestic",
        [("HST", "14", "15.40", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "NB", "ca_domestic",
        [("HST", "15", "16.50", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "QC", "ca_domestic",
        [("GST", "5", "5.50", "checkout"), ("QST", "9.975", "10.97", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "BC", "ca_domestic",
        [("GST", "5", "5.50", "checkout"), ("PST", "7", "7.70", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "MB", "ca_domestic",
        [("GST", "5", "5.50", "checkout"), ("RST", "7", "7.70", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "SK", "ca_domestic",
        [("GST", "5", "5.50", "checkout"), ("PST", "6", "6.60", "checkout")], []),
    Row("CA", "CA", "100.00", "CAD", "10.00", "general", "AB", "ca_domestic",
        [("GST", "5", "5.50", "checkout")], []),
    # Ontario books: provincial part rebated -> 5%.
    Row("CA", "CA", "100.00", "CAD", "10.00", "books", "ON", "ca_domestic",
        [("HST", "5", "5.50", "checkout")], []),
    # Import from the US (CUSMA, > CAD 40): HST 13% of the goods (no shipping) = 13.00.
    Row("US", "CA", "100.00", "CAD", "10.00", "general", "ON", "ca_import",
        [("HST", "13", "13.00", "import")], []),
    # Import from China: duty 6.5% of 100 = 6.50; HST 13% of 106.50 = 13.845 -> 13.85.
    Row("CN", "CA", "100.00", "CAD", "10.00", "general", "ON", "ca_import",
        [("HST", "13", "13.85", "import")], [("6.50", "import")]),
    # US state base rates: CA 7.25% (shipping not taxed) = 7.25; TX 6.25% of 110 = 6.88.
    Row("US", "US", "100.00", "USD", "10.00", "general", "CA", "us_sales_tax",
        [("Sales tax", "7.25", "7.25", "checkout")], []),
    Row("CN", "US", "100.00", "USD", "10.00", "general", "TX", "us_sales_tax",
        [("Sales tax", "6.25", "6.88", "checkout")], []),
    # New York clothing under USD 110 exempt; at 150 + 10 taxable 4% = 6.40.
    Row("US", "US", "100.00", "USD", "10.00", "clothing", "NY", "us_sales_tax",
        [("Sales tax", "0", "0.00", "checkout")], []),
    Row("US", "US", "150.00", "USD", "10.00", "clothing", "NY", "us_sales_tax",
        [("Sales tax", "4", "6.40", "checkout")], []),
    # Massachusetts clothing: only the part above USD 175 taxed: 25 x 6.25% = 1.56.
    Row("US", "US", "200.00", "USD", "10.00", "clothing", "MA", "us_sales_tax",
        [("Sales tax", "6.25", "1.56", "checkout")], []),
    # Oregon: no state sales tax.
    Row("US", "US", "100.00", "USD", "10.00", "general", "OR", "us_sales_tax",
        [("Sales tax", "0", "0.00", "checkout")], []),
    # Pennsylvania: clothing exempt.
    Row("US", "US", "100.00", "USD", "10.00", "clothing", "PA", "us_sales_tax",
        [("Sales tax", "0", "0.00", "checkout")], []),
]  # fmt: skip


@pytest.mark.parametrize(
    "row", NON_EU, ids=lambda r: f"{r.buyer}-{r.region}-{r.category}-{r.goods}"
)
def test_non_eu_jurisdictions(row: Row) -> None:
    result = quote(
        case(row.seller, row.buyer, row.goods, row.currency, row.shipping, row.category,
             buyer_region=row.region)
    )  # fmt: skip
    assert result.rule.id == row.rule
    got = [
        (x.name, x.rate_percent, Money(x.amount, row.currency).major(), x.collected_at)
        for x in result.lines
    ]
    assert got == [(n, Decimal(r), a, c) for n, r, a, c in row.lines]
    assert [(Money(x.amount, row.currency).major(), x.collected_at) for x in result.duties] == [
        (a, c) for a, c in row.duties
    ]


def test_every_table_jurisdiction_has_a_test() -> None:
    tested = set(EU_IOSS_STANDARD) | {r.buyer for r in NON_EU}
    assert set(default_table().jurisdictions) <= tested


def test_uk_line_rounding_vs_eu_invoice_rounding() -> None:
    # UK rounds per line: 20% of 10.03 = 2.006 -> 2.01, twice = 4.02.
    uk = quote(case("US", "GB", "10.03", "GBP", "10.03"))
    assert uk.total_tax == 402
    # Germany rounds per invoice: 19% of 20.06 = 3.8114 -> 3.81 (per line would be 3.82).
    de = quote(case("CN", "DE", "10.03", "EUR", "10.03"))
    assert de.total_tax == 381


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"buyer": "ZA"}, "unsupported_destination"),
        ({"buyer": "XX"}, "invalid_country"),
        ({"buyer": "US"}, "region_required"),
        ({"buyer": "CA", "buyer_region": "ZZ"}, "invalid_region"),
        ({"buyer": "US", "buyer_region": "ZZ"}, "invalid_region"),
    ],
)
def test_errors_have_codes(kwargs: dict[str, str], code: str) -> None:
    buyer = kwargs.pop("buyer")
    with pytest.raises(TaxError) as info:
        quote(case("CN", buyer, "10.00", "USD", **kwargs))
    assert info.value.code == code


def test_brazil_above_rts_limit_is_refused() -> None:
    with pytest.raises(TaxError) as info:
        quote(case("CN", "BR", "3000.01", "USD", buyer_region="SP"))
    assert info.value.code == "unsupported_case"


def test_region_prefix_and_country_alias_are_accepted() -> None:
    a = quote(case("US", "CA", "100.00", "CAD", buyer_region="CA-QC"))
    assert a.lines[0].jurisdiction == "CA-QC"
    b = quote(case("US", "UK", "10.00", "GBP"))
    assert b.rule.id == "gb_low_value_point_of_sale"
