from __future__ import annotations

from castcart.lingua.glossary import Glossary, unmask


def test_protected_terms_become_placeholders_and_come_back_verbatim() -> None:
    glossary = Glossary.build(protected=["Castcart", "Silk Cloud"])
    masked = glossary.mask("The silk cloud scarf by Castcart is soft", "en", "es")
    assert "Castcart" not in masked.text
    assert "silk cloud" not in masked.text.lower()
    # an engine that reorders and marks unknown words (like Apertium) keeps placeholders
    engine_out = "La bufanda *ZQX0 de *ZQX1 es suave"
    assert unmask(engine_out, masked) == "La bufanda silk cloud de Castcart es suave"


def test_preferred_translation_replaces_the_engine_choice() -> None:
    glossary = Glossary.build(preferred=[("en", "dress", "es", "vestido largo")])
    masked = glossary.mask("This Dress is blue", "en", "es")
    assert masked.restore == ("vestido largo",)
    assert unmask("Este ZQX0 es azul", masked) == "Este vestido largo es azul"
    # only for its pair
    assert glossary.mask("This dress", "en", "fr").restore == ()


def test_whole_words_only() -> None:
    glossary = Glossary.build(protected=["Lux"])
    assert glossary.mask("Luxury items", "en", "es").restore == ()
    assert glossary.mask("lux items", "en", "es").restore == ("lux",)


def test_links_mentions_and_hashtags_are_always_protected() -> None:
    masked = Glossary().mask("@anna see https://x.io/p?id=1 #sale", "en", "es")
    assert masked.restore == ("@anna", "https://x.io/p?id=1", "#sale")
    assert unmask("ZQX0 ver ZQX1 ZQX2", masked) == "@anna ver https://x.io/p?id=1 #sale"


def test_a_dropped_placeholder_is_appended_and_an_invented_one_removed() -> None:
    masked = Glossary.build(protected=["Castcart"]).mask("Castcart rocks", "en", "es")
    assert unmask("es genial ZQX7", masked) == "es genial Castcart"
