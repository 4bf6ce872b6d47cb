"""The shopping assistant: product Q&A grounded in the store's own data (see docs/assistant.md)."""
