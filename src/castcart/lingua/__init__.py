"""Multilingual: language detection, translation engines, store glossary, translation cache."""
