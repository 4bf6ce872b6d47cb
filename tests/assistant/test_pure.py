"""Pure parts of the assistant: the ground check, the intent detector, the templates."""

from __future__ import annotations

import re

from castcart.assistant.engine import countries_in, ground_check, numbers_in
from castcart.assistant.intent import strip_mention, wants
from castcart.assistant.lexicon import TEMPLATE_LANGS, colours_in, tokens
from castcart.assistant.templates import TEMPLATES


def test_ground_check_flags_numbers_and_materials_not_in_the_facts() -> None:
    facts = ["Silk scarf", "silk", "180 x 70 cm", "60 g"]
    assert ground_check("Silk scarf measures 180 x 70 cm.", facts) == []
    assert ground_check("Silk scarf weighs 65 g.", facts) == ["number 65"]
    # a material in another language is still that material
    assert ground_check("Pañuelo de seda está hecho de seda.", facts) == []
    assert ground_check("Silk scarf is made of cotton.", facts) == ["material cotton"]
    assert ground_check("El pañuelo es de lana.", facts) == ["material lana"]
    # Arabic-Indic digits are numbers too
    assert numbers_in("٤٩٫٠٠ €") == {"4900"}
    assert ground_check("السعر ٦٥ €", ["49.00 €"]) == ["number 65"]


def test_templates_carry_no_number_and_the_same_slots_in_every_language() -> None:
    slot = re.compile(r"\{(\w+)\}")
    for lang in TEMPLATE_LANGS:
        assert set(TEMPLATES[lang]) == set(TEMPLATES["en"]), lang
        for key, text in TEMPLATES[lang].items():
            assert not re.search(r"\d", text), (lang, key)
            assert set(slot.findall(text)) == set(slot.findall(TEMPLATES["en"][key])), (lang, key)


def test_intent_detector() -> None:
    assert wants("¿Hacen envíos a México?")
    assert wants("Does the scarf come in blue?")
    assert wants("كم سعر المحفظة؟")
    assert wants("Berapa harga syalnya?")
    assert wants("@assistant tell me something")
    assert not wants("@assistant")
    assert not wants("Love this colour")
    assert not wants("¡Qué bonito!")
    assert not wants("Just ordered the tote!")
    assert not wants("how are you?")  # a question, but about nothing the store sells
    assert wants("is the tote nice?", lambda toks: "tote" in toks)  # names a product
    assert strip_mention("@asistente: ¿talla?") == (True, "¿talla?")


def test_countries_and_colours_in_any_language() -> None:
    assert countries_in(tokens("Do you ship to the United States?")) == ["US"]
    assert countries_in(tokens("¿Hacen envíos a México?")) == ["MX"]
    assert countries_in(tokens("Apakah bisa kirim ke Arab Saudi?")) == ["SA"]
    assert countries_in(tokens("هل يوجد شحن إلى المكسيك؟")) == ["MX"]
    assert colours_in(tokens("¿Viene en azul marino?")) == ["navy"]
    assert colours_in(tokens("Gibt es das in Blau oder Rot?")) == ["blue", "red"]
