"""The bundled catalog is dated, sourced and internally consistent; bad data fails to load."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from castcart.payment_methods import (
    MethodKind,
    PaymentMethodError,
    default_catalog,
    load_catalog,
    parse_catalog,
)


def raw_catalog() -> dict[str, Any]:
    text = resources.files("castcart.payment_methods").joinpath("data/methods.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return data


def test_catalog_is_dated_and_sourced() -> None:
    catalog = default_catalog()
    assert catalog.version
    assert catalog.as_of.startswith("20")
    assert catalog.sources
    assert all(s.url for s in catalog.sources)


def test_every_required_method_is_there() -> None:
    expected = {
        "card": MethodKind.CARD,
        "sepa_debit": MethodKind.BANK_DEBIT,
        "ideal": MethodKind.BANK_REDIRECT,
        "bancontact": MethodKind.BANK_REDIRECT,
        "klarna": MethodKind.BNPL,
        "grabpay": MethodKind.WALLET,
        "shopeepay": MethodKind.WALLET,
        "gcash": MethodKind.WALLET,
        "pix": MethodKind.BANK_TRANSFER,
        "boleto": MethodKind.VOUCHER,
        "oxxo": MethodKind.VOUCHER,
        "cod": MethodKind.COD,
        "apple_pay": MethodKind.WALLET,
        "google_pay": MethodKind.WALLET,
        "bank_transfer": MethodKind.BANK_TRANSFER,
    }
    catalog = default_catalog()
    for method_id, kind in expected.items():
        assert catalog.get(method_id).kind is kind


def test_limits_are_consistent() -> None:
    for method in default_catalog().methods:
        every = [*method.limits.values()]
        every += [lim for by_cur in method.country_limits.values() for lim in by_cur.values()]
        for limit in every:
            if limit.min_minor is not None and limit.max_minor is not None:
                assert limit.min_minor <= limit.max_minor, method.id
        assert method.settlement_business_days >= 0


def test_specific_limits_in_minor_units() -> None:
    catalog = default_catalog()
    boleto = catalog.get("boleto").limit_for("BR", "BRL")
    assert (boleto.min_minor, boleto.max_minor) == (500, 4_999_999)
    oxxo = catalog.get("oxxo").limit_for("MX", "MXN")
    assert (oxxo.min_minor, oxxo.max_minor) == (1000, 1_000_000)
    assert catalog.get("cod").limit_for("KW", "KWD").max_minor == 400_000  # 3 decimals
    assert catalog.get("cod").limit_for("VN", "VND").max_minor == 20_000_000  # 0 decimals
    assert catalog.get("klarna").limit_for("NL", "EUR").max_minor == 1_400_000
    assert catalog.get("klarna").limit_for("IT", "EUR").max_minor == 400_000


def test_sepa_covers_the_sepa_area() -> None:
    sepa = default_catalog().get("sepa_debit")
    assert sepa.countries is not None
    assert {
        "DE",
        "FR",
        "NL",
        "AT",
        "IE",
        "NO",
        "CH",
        "GB",
        "IS",
        "LI",
        "MC",
        "SM",
    } <= sepa.countries
    assert "US" not in sepa.countries
    assert sepa.currencies == frozenset({"EUR"})


def test_cod_markets() -> None:
    cod = default_catalog().get("cod")
    assert cod.countries is not None
    assert {"SA", "AE", "ID", "MY", "PH", "TH", "VN", "MX", "IN"} <= cod.countries


def test_preference_order_lists_each_method_once() -> None:
    catalog = default_catalog()
    for country in ("DE", "BR", "ZA"):  # ZA has no country list: default order, then the rest
        order = catalog.preference_order(country)
        assert sorted(order) == sorted(catalog.method_ids)


def test_load_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "methods.json"
    path.write_text(json.dumps(raw_catalog()), encoding="utf-8")
    assert load_catalog(path).method_ids == default_catalog().method_ids


def _mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw_catalog())
    change(data)
    return data


def _method(data: dict[str, Any], method_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in data["methods"] if m["id"] == method_id)
    return found


@pytest.mark.parametrize(
    "change",
    [
        lambda d: _method(d, "ideal").update(countries=["XX"]),
        lambda d: _method(d, "ideal").update(currencies=["EURO"]),
        lambda d: _method(d, "ideal").update(kind="teleport"),
        lambda d: _method(d, "ideal").update(limits={"EUR": {"min": "10.00", "max": "1.00"}}),
        lambda d: _method(d, "ideal").update(limits={"EUR": {"min": "0.001"}}),  # too precise
        lambda d: _method(d, "ideal").update(limits={"EUR": {"min": 0.5}}),  # float
        lambda d: _method(d, "ideal").update(sources=["nowhere"]),
        lambda d: _method(d, "sepa_debit").update(countries=["@NOPE"]),
        lambda d: d["preferences"]["DE"].append("paypal"),
        lambda d: d["preferences"].pop("default"),
        lambda d: d["methods"].append(copy.deepcopy(_method(d, "card"))),
        lambda d: d.pop("as_of"),
    ],
)
def test_bad_catalog_data_is_refused(change: Any) -> None:
    with pytest.raises(PaymentMethodError) as info:
        parse_catalog(_mutated(change))
    assert info.value.code == "invalid_catalog"


def test_unknown_method_lookup() -> None:
    with pytest.raises(PaymentMethodError) as info:
        default_catalog().get("paypal")
    assert info.value.code == "unknown_method"
