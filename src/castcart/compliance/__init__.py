"""Compliance guard: claims, facts, disclosures and market rules (pure logic first)."""

from castcart.compliance.checker import check_text, warm_up
from castcart.compliance.facts import fact_check
from castcart.compliance.values import (
    CATEGORIES,
    CheckContext,
    ComplianceInputError,
    FactFinding,
    Finding,
    FlashSale,
    PriceHistory,
)

__all__ = [
    "CATEGORIES",
    "CheckContext",
    "ComplianceInputError",
    "FactFinding",
    "Finding",
    "FlashSale",
    "PriceHistory",
    "check_text",
    "fact_check",
    "warm_up",
]
