"""Compliance guard: claims, facts, disclosures and market rules (pure logic first)."""
