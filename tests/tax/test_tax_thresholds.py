"""Threshold edges, compared in the threshold's own currency, and the EUR 10,000 rule."""

import pytest

from castcart.money import Money
from castcart.tax import Category, TaxCase, quote


def case(seller: str, buyer: str, goods: str, currency: str, **kw: object) -> TaxCase:
    return TaxCase(
        seller_country=seller,
        buyer_country=buyer,
        goods_value=Money.of(goods, currency).amount,
        currency=currency,
        category=kw.pop("category", Category.GENERAL),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("buyer", "currency", "at", "above", "low_rule", "high_rule"),
    [
        ("DE", "EUR", "150.00", "150.01", "eu_ioss_low_value", "eu_import_above_150"),
        ("GB", "GBP", "135.00", "135.01", "gb_low_value_point_of_sale", "gb_import_above_135"),
        ("AU", "AUD", "1000.00", "1000.01", "au_lvg", "au_import_above_1000"),
        ("NZ", "NZD", "1000.00", "1000.01", "nz_lvg", "nz_import_above_1000"),
        ("SG", "SGD", "400.00", "400.01", "sg_lvg", "sg_import_above_400"),
        ("MY", "MYR", "500.00", "500.01", "my_lvg", "my_import_above_500"),
        # VOEC is "below NOK 3,000" (Skatteetaten): 2,999.99 is in, 3,000.00 is not.
        ("NO", "NOK", "2999.99", "3000.00", "no_voec", "no_import_above_3000"),
        ("PH", "PHP", "10000.00", "10000.01", "ph_de_minimis", "ph_import"),
    ],
)
def test_threshold_edges(
    buyer: str, currency: str, at: str, above: str, low_rule: str, high_rule: str
) -> None:
    low = quote(case("CN", buyer, at, currency, shipping_value=500))
    high = quote(case("CN", buyer, above, currency, shipping_value=500))
    assert low.rule.id == low_rule
    assert high.rule.id == high_rule
    assert all(x.collected_at in ("checkout", "none") for x in low.lines)
    assert all(x.collected_at == "import" for x in high.lines)


def test_eur_threshold_ignores_shipping() -> None:
    # Intrinsic value 150.00 + 50.00 shipping is still within the IOSS scheme.
    result = quote(case("CN", "FR", "150.00", "EUR", shipping_value=5000))
    assert result.rule.id == "eu_ioss_low_value"
    assert result.lines[0].amount == 4000  # 20% of 200.00


def test_threshold_in_other_currency_uses_fx_snapshot() -> None:
    # Bundled ECB snapshot: 1 EUR = 1.1607 USD. USD 174.10 -> EUR 150.00 (within);
    # USD 174.20 -> EUR 150.08 (above).
    within = quote(case("US", "DE", "174.10", "USD"))
    assert within.rule.id == "eu_ioss_low_value"
    check = within.thresholds[0]
    assert (str(check.value), check.currency, check.within) == ("150.00", "EUR", True)
    above = quote(case("US", "DE", "174.20", "USD"))
    assert above.rule.id == "eu_import_above_150"
    assert str(above.thresholds[0].value) == "150.08"


def test_swiss_tax_amount_de_minimis() -> None:
    # 8.1% of 61.73 = 5.0001 -> CHF 5.00: not collected; 8.1% of 61.80 = 5.0058 -> 5.01: due.
    assert quote(case("DE", "CH", "61.73", "CHF")).rule.id == "ch_de_minimis"
    due = quote(case("DE", "CH", "61.80", "CHF"))
    assert due.rule.id == "ch_import_vat"
    assert (due.lines[0].amount, due.lines[0].collected_at) == (501, "import")


def test_brazil_usd_50_edge_uses_cif() -> None:
    # CIF 50.00 -> 20% II; CIF 50.01 -> 60% minus USD 20.
    low = quote(case("CN", "BR", "45.00", "USD", shipping_value=500, buyer_region="SP"))
    high = quote(case("CN", "BR", "45.01", "USD", shipping_value=500, buyer_region="SP"))
    assert low.duties[0].rate_percent == 20
    assert low.duties[0].amount == 1000
    assert high.duties[0].rate_percent == 60
    assert high.duties[0].amount == 1001  # 60% of 50.01 = 30.006 -> 30.01 - 20.00


def test_canada_cusma_courier_de_minimis() -> None:
    # From the US: taxes free up to CAD 40; from elsewhere only up to CAD 20.
    assert quote(case("US", "CA", "40.00", "CAD", buyer_region="ON")).rule.id == "ca_de_minimis"
    assert quote(case("US", "CA", "40.01", "CAD", buyer_region="ON")).rule.id == "ca_import"
    assert quote(case("CN", "CA", "25.00", "CAD", buyer_region="ON")).rule.id == "ca_import"


def test_mexico_limits_compare_the_customs_value() -> None:
    # RGCE 3.7.35 limits are on the customs value (goods + shipping, CIF): USD 45 + 5.
    assert quote(case("US", "MX", "45.00", "USD", shipping_value=500)).rule.id == (
        "mx_usmca_de_minimis"
    )
    above = quote(case("US", "MX", "45.01", "USD", shipping_value=500))
    assert (above.rule.id, above.lines[0].rate_percent) == ("mx_courier_global_rate", 17)
    # Above USD 117 from the US: 19 % (still the courier global rate), not general IVA.
    over = quote(case("US", "MX", "117.01", "USD"))
    assert (over.rule.id, over.lines[0].rate_percent) == ("mx_courier_global_rate", 19)
    assert quote(case("CN", "MX", "10.00", "USD")).rule.id == "mx_courier_global_rate"
    # The simplified procedure ends at USD 2,500 of customs value.
    assert quote(case("CN", "MX", "2500.00", "USD")).rule.id == "mx_courier_global_rate"
    assert quote(case("CN", "MX", "2500.01", "USD")).rule.id == "mx_import_iva"


@pytest.mark.parametrize(
    ("prior", "current", "rule", "rate"),
    [
        (None, None, "eu_distance_sales_oss", 19),  # unknown -> destination (conservative)
        (500_000, 800_000, "eu_distance_sales_below_threshold", 20),  # origin FR 20%
        (1_000_000, 0, "eu_distance_sales_below_threshold", 20),  # exactly EUR 10,000
        (1_000_001, 0, "eu_distance_sales_oss", 19),  # prior year above
        (500_000, 990_001, "eu_distance_sales_oss", 19),  # this order crosses the threshold
    ],
)
def test_eu_distance_sales_threshold(
    prior: int | None, current: int | None, rule: str, rate: int
) -> None:
    result = quote(
        case(
            "FR", "DE", "100.00", "EUR",
            seller_eu_distance_sales_prior_year=prior,
            seller_eu_distance_sales_current_year=current,
        )
    )  # fmt: skip
    assert result.rule.id == rule
    assert result.lines[0].rate_percent == rate
    assert result.lines[0].collected_at == "checkout"
