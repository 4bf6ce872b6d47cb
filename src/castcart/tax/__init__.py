"""Destination tax and duties for cross-border orders (pure logic, no web framework)."""
