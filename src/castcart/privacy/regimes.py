"""Which consent model a viewer's market follows, and the policy version banners record.
Pure logic, no I/O.

* ``opt_in`` (EU/EEA, UK, Switzerland, and every market not listed below): nothing beyond
  what the service needs runs until the visitor agrees. GDPR art. 6(1)(a) and 7 with the
  ePrivacy Directive art. 5(3) (EDPB guidelines 05/2020: refusing must be as easy as
  accepting, no pre-ticked boxes); UK GDPR with PECR reg. 6; the Swiss FADP. A market with
  no rule of its own here gets the strictest model, not the loosest.
* ``opt_out`` (US): the CCPA as amended by the CPRA (Cal. Civ. Code 1798.120, 1798.135)
  lets the business process until the consumer opts out of the sale or sharing of personal
  information, through a link titled "Do Not Sell or Share My Personal Information"; a
  Global Privacy Control signal is a valid opt-out (11 CCR 7025). Other US state laws
  (Colorado, Connecticut, Virginia, ...) give the same opt-out of targeted advertising.

``necessary`` storage (the session, the cart, the language) needs no consent under either
model (ePrivacy art. 5(3), "strictly necessary") and cannot be refused.
"""

from __future__ import annotations

from typing import Literal

from castcart.compliance.disclosure import EU_EEA

Model = Literal["opt_in", "opt_out"]
# Bump when the banner's wording or the purposes change: earlier decisions are asked again.
POLICY_VERSION = "2026-12"
BANNER_PURPOSES: tuple[str, ...] = ("analytics", "marketing")
OPT_IN_LISTED: frozenset[str] = EU_EEA | {"GB", "CH"}


def consent_model(country: str | None) -> Model:
    """``opt_out`` for US viewers, ``opt_in`` everywhere else (unknown market included)."""
    return "opt_out" if (country or "").upper() == "US" else "opt_in"


def effective(model: Model, decision: str | None) -> bool:
    """Whether a purpose may run: opt-in needs a grant, opt-out runs unless refused."""
    if model == "opt_in":
        return decision == "granted"
    return decision != "refused"
