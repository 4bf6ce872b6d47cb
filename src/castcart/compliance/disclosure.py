"""Commercial disclosure: which label a viewer must see on a show that is paid for, gifted or
earns a commission, by the viewer's market. Pure logic, no I/O; the words themselves are UI
strings in every page language (``disclosure.<regime>.<relationship>`` in the locale files).

The regimes and what they ask for:

* ``ftc`` (US): the FTC Endorsement Guides (16 CFR 255, 2023 revision) and "Disclosures
  101 for Social Media Influencers": a clear label such as "Sponsored", "Paid partnership",
  "Ad"; a free product is disclosed as such ("Gifted by ..."); affiliate links say that the
  endorser earns a commission. In a live stream the disclosure is repeated, not shown once:
  castcart shows it for the whole show.
* ``asa`` (GB): the CAP Code 2.1/2.4 and the ASA/CMA "Influencers' guide to making clear that
  ads are ads": paid content and affiliate content are labelled "Ad" / "#ad" up front; a
  gift without the brand's control over the content is not an ad but the CMA still expects
  the relationship disclosed ("Gifted").
* ``dsa`` (EU/EEA): the Digital Services Act art. 26 (the recipient must see that content
  is an advertisement and on whose behalf, in real time) with the Unfair Commercial
  Practices Directive annex I point 11 and art. 7(2) (hidden commercial intent): the label
  names the commercial communication and the party behind it.
* ``general`` (every other market): a plain "Ad" / "Sponsored" label, the ICC Advertising
  and Marketing Communications Code art. 7 (identification).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from castcart.tax.table import EU_MEMBERS

Relationship = Literal["none", "sponsored", "gifted", "affiliate"]
RELATIONSHIPS: tuple[Relationship, ...] = ("none", "sponsored", "gifted", "affiliate")
Regime = Literal["ftc", "asa", "dsa", "general"]

# EU member states (the tax table keeps the one list) and the EEA states that apply the
# UCPD (Norway, Iceland, Liechtenstein).
EU_EEA: frozenset[str] = EU_MEMBERS | {"NO", "IS", "LI"}


def regime_for(country: str | None) -> Regime:
    """The disclosure regime of the viewer's market (unknown market: the general label)."""
    code = (country or "").upper()
    if code == "US":
        return "ftc"
    if code == "GB":
        return "asa"
    if code in EU_EEA:
        return "dsa"
    return "general"


@dataclass(frozen=True)
class Disclosure:
    """What the page shows: a short label (``label_key``) and a sentence naming the brand
    (``detail_key`` with ``{brand}``), both UI-string keys, for the viewer's ``regime``."""

    relationship: Relationship
    regime: Regime
    country: str | None
    brand: str

    @property
    def label_key(self) -> str:
        return f"disclosure.{self.regime}.{self.relationship}"

    @property
    def detail_key(self) -> str:
        return f"disclosure.detail.{self.relationship}"


def disclosure_for(relationship: str, brand: str, country: str | None) -> Disclosure | None:
    """The disclosure a viewer in ``country`` sees, or None when the show has no
    commercial relationship to declare."""
    if relationship not in RELATIONSHIPS:
        raise ValueError(f"unknown commercial relationship {relationship!r}")
    if relationship == "none":
        return None
    return Disclosure(
        relationship=relationship,
        regime=regime_for(country),
        country=country.upper() if country else None,
        brand=brand,
    )


def label_keys() -> list[str]:
    """Every UI-string key a disclosure can use (the locale test checks each exists)."""
    kinds = [r for r in RELATIONSHIPS if r != "none"]
    regimes: tuple[Regime, ...] = ("ftc", "asa", "dsa", "general")
    return [f"disclosure.{g}.{k}" for g in regimes for k in kinds] + [
        f"disclosure.detail.{k}" for k in kinds
    ]
