"""Fact check: contradictions with the catalog are flagged; consistent claims are not."""

from __future__ import annotations

from typing import Any

import pytest

from castcart.compliance.facts import fact_check


@pytest.mark.parametrize(
    ("lang", "text", "attrs", "attribute", "claimed"),
    [
        ("en", "This scarf is pure silk.", {"material": "100% cotton"}, "material", "silk"),
        ("es", "Un pañuelo de seda natural.", {"material": "algodón"}, "material", "seda"),
        ("fr", "Une écharpe en soie.", {"material": "coton"}, "material", "soie"),
        ("de", "Aus reiner Seide.", {"material": {"Baumwolle": 100}}, "material", "Seide"),
        ("es", "Bolso de cuero genuino.", {"material": "PU leather"}, "material", "cuero genuino"),
        (
            "en",
            "100% cotton tee",
            {"material": {"cotton": 95, "elastane": 5}},
            "material",
            "100% cotton",
        ),
        ("en", "A 5000 mAh battery.", {"battery_mah": 3000}, "capacity", "5000 mAh"),
        ("de", "Die Flasche fasst 1,5 Liter.", {"capacity_ml": 1000}, "volume", "1,5 Liter"),
        ("en", "65W fast charging", {"power_w": 30}, "power", "65W"),
        ("en", "Made in Italy!", {"origin": "CN"}, "origin", "Made in Italy"),
        ("en", "It is FCC approved.", {"certifications": ["CE"]}, "certification", "FCC"),
        (
            "en",
            "Measures 30 x 20 x 10 cm.",
            {"dimensions": "30 x 20 x 12 cm"},
            "dimensions",
            "30 x 20 x 10 cm",
        ),
        ("en", "The 6.1-inch display is bright.", {"display_inch": 6.7}, "dimensions", "6.1-inch"),
    ],
)
def test_contradictions(
    lang: str, text: str, attrs: dict[str, Any], attribute: str, claimed: str
) -> None:
    findings = fact_check(text, lang, attrs)
    assert [(f.attribute, text[f.start : f.end]) for f in findings] == [(attribute, claimed)]
    assert findings[0].catalog
    assert findings[0].catalog.split()[0] in findings[0].suggestion


@pytest.mark.parametrize(
    ("lang", "text", "attrs"),
    [
        ("en", "It feels like silk but it's cotton.", {"material": "cotton"}),
        ("en", "It's not silk, it's 100% cotton.", {"material": "cotton"}),
        ("en", "Soft merino wool.", {"material": "merino"}),
        ("en", "A 3,000 mAh battery.", {"battery_mah": 3000}),
        ("en", "The bottle holds 1.5 L.", {"capacity_ml": 1500}),
        ("en", "About 1.4 litres of water.", {"capacity_l": 1.5}),
        ("en", "Up to 30W charging.", {"power_w": 30}),
        ("en", "It stores 20 Wh.", {"battery_mah": 5000}),
        ("en", "It stores 18.5 Wh.", {"battery_mah": 5000, "battery_v": 3.7}),
        ("fr", "Fabriqué en France.", {"origin": "France"}),
        ("de", "Hergestellt in Deutschland.", {"country_of_origin": "DE"}),
        ("en", "Made in Europe.", {"origin": "PT"}),
        (
            "en",
            "GOTS-certified organic cotton.",
            {"material": "cotton", "certifications": ["GOTS", "organic"]},
        ),
        ("en", "Fits a 13-inch laptop.", {"dimensions": "35 x 25 x 3 cm"}),
        ("en", "Pure silk, hand-rolled edges.", {"material": "silk"}),
        ("en", "CE certified.", {}),
    ],
)
def test_consistent_claims(lang: str, text: str, attrs: dict[str, Any]) -> None:
    assert fact_check(text, lang, attrs) == []


def test_wh_and_mah_compared_only_with_voltage() -> None:
    assert fact_check("It stores 30 Wh.", "en", {"battery_mah": 5000}) == []
    [f] = fact_check("It stores 30 Wh.", "en", {"battery_mah": 5000, "battery_v": 3.7})
    assert f.attribute == "capacity"
