"""Which methods a shopper sees, per market: country, currency, amount edges, gateway."""

from __future__ import annotations

from collections.abc import Set

import pytest

from castcart.payment_methods import (
    SANDBOX_CAPABILITIES,
    DeclaredCapabilities,
    GatewayCapabilities,
    MethodKind,
    PaymentMethodError,
    available_methods,
    default_catalog,
)


def ids(
    country: str,
    currency: str,
    amount_minor: int,
    gateway_supported: Set[str] | GatewayCapabilities | None = None,
) -> list[str]:
    found = available_methods(country, currency, amount_minor, gateway_supported=gateway_supported)
    return [m.id for m in found]


@pytest.mark.parametrize(
    ("country", "currency", "amount", "expected_first", "must_include", "must_exclude"),
    [
        # Germany: invoice/instalments and direct debit lead; no iDEAL, no COD.
        ("DE", "EUR", 5000, ["klarna", "sepa_debit", "card"], {"apple_pay"}, {"ideal", "cod"}),
        # Netherlands: iDEAL first.
        ("NL", "EUR", 5000, ["ideal"], {"card", "klarna", "sepa_debit"}, {"bancontact"}),
        # Belgium: Bancontact first.
        ("BE", "EUR", 5000, ["bancontact"], {"card", "klarna"}, {"ideal"}),
        # Saudi Arabia: cards (mada), Apple Pay and cash on delivery.
        ("SA", "SAR", 20000, ["card", "apple_pay", "cod"], set(), {"klarna", "sepa_debit"}),
        # UAE: same pattern.
        ("AE", "AED", 20000, ["card", "apple_pay", "cod"], set(), {"klarna"}),
        # Indonesia: wallet, virtual-account transfer, COD; no Apple Pay.
        (
            "ID",
            "IDR",
            15000000,
            ["shopeepay", "bank_transfer", "cod", "card"],
            set(),
            {"apple_pay"},
        ),
        # Malaysia: cards, GrabPay, ShopeePay, COD.
        ("MY", "MYR", 10000, ["card", "grabpay", "shopeepay"], {"cod"}, {"gcash"}),
        # Philippines: GCash first, COD, GrabPay, ShopeePay.
        ("PH", "PHP", 150000, ["gcash", "cod", "grabpay", "shopeepay"], {"card"}, {"apple_pay"}),
        # Brazil: Pix, card, Boleto.
        ("BR", "BRL", 10000, ["pix", "card", "boleto"], set(), {"oxxo", "cod"}),
        # Mexico under the OXXO cap.
        ("MX", "MXN", 50000, ["card", "oxxo"], {"cod"}, {"pix"}),
        # United States: cards and wallets, Klarna; no COD.
        ("US", "USD", 5000, ["card", "apple_pay", "google_pay", "klarna"], set(), {"cod"}),
    ],
)
def test_market_methods(
    country: str,
    currency: str,
    amount: int,
    expected_first: list[str],
    must_include: set[str],
    must_exclude: set[str],
) -> None:
    got = ids(country, currency, amount)
    assert got[: len(expected_first)] == expected_first
    assert must_include <= set(got)
    assert not must_exclude & set(got)


def test_brazil_100_brl_is_pix_boleto_card() -> None:
    assert {"pix", "boleto", "card"} <= set(ids("BR", "BRL", 10000))


def test_mexico_above_oxxo_cap_drops_oxxo() -> None:
    assert "oxxo" in ids("MX", "MXN", 1_000_000)  # MXN 10,000.00 exactly: allowed
    above = ids("MX", "MXN", 1_000_001)  # MXN 10,000.01
    assert "oxxo" not in above
    assert "card" in above


def test_mexico_below_oxxo_minimum() -> None:
    assert "oxxo" not in ids("MX", "MXN", 999)
    assert "oxxo" in ids("MX", "MXN", 1000)


@pytest.mark.parametrize(
    ("amount", "offered"),
    [(499, False), (500, True), (4_999_999, True), (5_000_000, False)],
)
def test_boleto_limits_at_the_edges(amount: int, offered: bool) -> None:
    assert ("boleto" in ids("BR", "BRL", amount)) is offered


@pytest.mark.parametrize(
    ("country", "amount", "offered"),
    [
        ("DE", 1_000_000, True),  # EUR 10,000.00: Germany's Klarna maximum
        ("DE", 1_000_001, False),
        ("NL", 1_400_000, True),  # the Netherlands allow EUR 14,000
        ("ES", 400_000, True),  # Spain EUR 4,000
        ("ES", 400_001, False),
        ("DE", 99, False),  # below EUR 1.00
        ("DE", 100, True),
    ],
)
def test_klarna_country_specific_limits(country: str, amount: int, offered: bool) -> None:
    assert ("klarna" in ids(country, "EUR", amount)) is offered


def test_cod_cap_in_saudi_arabia() -> None:
    assert "cod" in ids("SA", "SAR", 500_000)
    assert "cod" not in ids("SA", "SAR", 500_001)


def test_three_decimal_currency_cap() -> None:
    # KWD has 3 minor digits: 400.000 KWD is 400000 minor units.
    assert "cod" in ids("KW", "KWD", 400_000)
    assert "cod" not in ids("KW", "KWD", 400_001)


@pytest.mark.parametrize(
    ("country", "currency", "absent"),
    [
        ("NL", "USD", "ideal"),  # iDEAL is EUR-only
        ("DE", "USD", "sepa_debit"),
        ("DE", "USD", "klarna"),  # Klarna only in the shopper country's own currency
        ("SE", "EUR", "klarna"),
        ("PH", "USD", "gcash"),
        ("BR", "USD", "pix"),
        ("MX", "USD", "oxxo"),
        ("SA", "USD", "cod"),  # COD is collected in local cash
        ("SG", "MYR", "grabpay"),  # GrabPay pairs SG with SGD only
    ],
)
def test_currency_mismatch_removes_local_methods(country: str, currency: str, absent: str) -> None:
    got = ids(country, currency, 5000)
    assert absent not in got
    assert "card" in got  # cards still take foreign currencies


def test_local_method_outside_its_country() -> None:
    assert "ideal" not in ids("DE", "EUR", 5000)
    assert "pix" not in ids("PT", "EUR", 5000)
    assert "gcash" not in ids("SG", "SGD", 5000)


def test_card_minimum_in_currency() -> None:
    assert "card" not in ids("US", "USD", 49)
    assert "card" in ids("US", "USD", 50)


def test_country_and_currency_are_normalised() -> None:
    assert ids(" br ", "brl", 10000) == ids("BR", "BRL", 10000)


@pytest.mark.parametrize(
    ("country", "currency", "amount", "code"),
    [
        ("ZZ", "EUR", 100, "unknown_country"),
        ("UK", "GBP", 100, "unknown_country"),
        ("Germany", "EUR", 100, "unknown_country"),
        ("DE", "EURO", 100, "unknown_currency"),
        ("DE", "XYZ", 100, "unknown_currency"),
        ("DE", "EUR", 0, "invalid_amount"),
        ("DE", "EUR", -5, "invalid_amount"),
    ],
)
def test_bad_input_has_a_code(country: str, currency: str, amount: int, code: str) -> None:
    with pytest.raises(PaymentMethodError) as info:
        available_methods(country, currency, amount)
    assert info.value.code == code
    assert info.value.message


def test_uk_error_points_to_gb() -> None:
    with pytest.raises(PaymentMethodError, match="GB"):
        available_methods("UK", "GBP", 100)


@pytest.mark.parametrize("amount", [10.5, True, "100"])
def test_amount_must_be_int_minor_units(amount: object) -> None:
    with pytest.raises(PaymentMethodError) as info:
        available_methods("DE", "EUR", amount)  # type: ignore[arg-type]
    assert info.value.code == "invalid_amount"


def test_gateway_set_narrows_and_keeps_order() -> None:
    got = ids("BR", "BRL", 10000, gateway_supported={"card", "boleto", "paypal"})
    assert got == ["card", "boleto"]


def test_gateway_capabilities_object() -> None:
    stripe_like = DeclaredCapabilities.of("acme", ["card", "apple_pay", "klarna"])
    assert isinstance(stripe_like, GatewayCapabilities)
    assert ids("SA", "SAR", 20000, gateway_supported=stripe_like) == ["card", "apple_pay"]


def test_sandbox_gateway_supports_everything() -> None:
    assert isinstance(SANDBOX_CAPABILITIES, GatewayCapabilities)
    for method_id in default_catalog().method_ids:
        assert SANDBOX_CAPABILITIES.supports(method_id)
    for country, currency in [("BR", "BRL"), ("PH", "PHP"), ("DE", "EUR"), ("SA", "SAR")]:
        assert ids(country, currency, 10000, gateway_supported=SANDBOX_CAPABILITIES) == ids(
            country, currency, 10000
        )


def test_empty_gateway_offers_nothing() -> None:
    assert ids("DE", "EUR", 5000, gateway_supported=set()) == []


def test_kinds_and_names() -> None:
    catalog = default_catalog()
    assert catalog.get("cod").kind is MethodKind.COD
    assert catalog.get("klarna").kind is MethodKind.BNPL
    assert catalog.get("oxxo").kind is MethodKind.VOUCHER
    assert catalog.get("sepa_debit").display_name("de-DE") == "SEPA-Lastschrift"
    assert catalog.get("boleto").display_name("pt_BR") == "Boleto bancário"
    assert catalog.get("cod").display_name("ar") == "الدفع عند الاستلام"
    assert catalog.get("gcash").display_name("ja") == "GCash"  # falls back to English
    assert catalog.get("card").brands == ("visa", "mastercard", "amex")
