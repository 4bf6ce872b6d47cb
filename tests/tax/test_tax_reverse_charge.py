"""B2B reverse charge with VAT numbers checked by python-stdnum."""

import pytest
from stdnum.eu import vat

from castcart.money import Money
from castcart.tax import TaxCase, check_vat_id, quote

VALID_DE = "DE136695976"
INVALID_DE = "DE136695977"  # last check digit wrong


def test_fixture_numbers_per_stdnum() -> None:
    assert vat.is_valid(VALID_DE)
    assert not vat.is_valid(INVALID_DE)


def b2b(seller: str, buyer: str, vat_id: str | None, goods: str = "500.00") -> TaxCase:
    return TaxCase(
        seller_country=seller,
        buyer_country=buyer,
        goods_value=Money.of(goods, "EUR").amount,
        currency="EUR",
        shipping_value=1000,
        buyer_vat_id=vat_id,
    )


def test_valid_vat_number_gets_reverse_charge() -> None:
    # rule eu_b2b_reverse_charge: FR seller, DE business buyer, nothing charged.
    result = quote(b2b("FR", "DE", "de 136 695 976"))
    assert result.rule.id == "eu_b2b_reverse_charge"
    (line,) = result.lines
    assert (line.amount, line.collected_at, line.scheme) == (0, "none", "reverse_charge")
    assert line.base == 51000
    assert result.total_tax == 0


def test_invalid_vat_number_is_charged_normally_with_a_note() -> None:
    result = quote(b2b("FR", "DE", INVALID_DE))
    assert result.rule.id == "eu_distance_sales_oss"
    assert result.total_tax == 9690  # 19% of 510.00
    assert any("invalid VAT number" in n for n in result.notes)


def test_vat_number_of_another_country_does_not_count() -> None:
    result = quote(b2b("FR", "AT", VALID_DE))
    assert result.rule.id == "eu_distance_sales_oss"
    assert result.total_tax == 10200  # AT 20% of 510.00
    assert any("not a AT number" in n for n in result.notes)


def test_domestic_b2b_is_not_reverse_charged() -> None:
    result = quote(b2b("DE", "DE", VALID_DE))
    assert result.rule.id == "eu_domestic"
    assert result.total_tax == 9690


def test_non_eu_seller_to_eu_business_pays_import_vat() -> None:
    result = quote(b2b("US", "DE", VALID_DE, goods="100.00"))
    assert result.rule.id == "eu_import_b2b"
    assert [(x.amount, x.collected_at) for x in result.lines] == [(2090, "import")]


def test_greece_uses_el_prefix() -> None:
    assert check_vat_id("EL094259216", "GR").valid
    assert not check_vat_id("GR094259216", "GR").valid


def test_uk_b2b_reverse_charge_up_to_gbp_135() -> None:
    def gb(goods: str, vat_id: str) -> TaxCase:
        return TaxCase("US", "GB", Money.of(goods, "GBP").amount, "GBP", buyer_vat_id=vat_id)

    ok = quote(gb("100.00", "GB980780684"))
    assert ok.rule.id == "gb_b2b_reverse_charge"
    assert ok.total_tax == 0
    bad = quote(gb("100.00", "GB980780685"))
    assert bad.rule.id == "gb_low_value_point_of_sale"
    assert bad.total_tax == 2000
    above = quote(gb("200.00", "GB980780684"))
    assert above.rule.id == "gb_import_above_135"


@pytest.mark.parametrize("raw", ["", "DE", "XX123", "DE1366959"])
def test_garbage_vat_ids_are_invalid(raw: str) -> None:
    assert not check_vat_id(raw, "DE").valid
