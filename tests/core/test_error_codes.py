"""Each domain that lists its error codes in ``<domain>/errors.py`` (a ``StrEnum``) raises
only those: an inline ``code="..."`` there is a code no client was told about."""

from __future__ import annotations

import importlib
import re
from enum import StrEnum
from pathlib import Path

import castcart

ROOT = Path(castcart.__file__).parent
INLINE = re.compile(r'\bcode="[a-z_]+"')


def _listed_domains() -> list[str]:
    """Domains whose ``errors.py`` lists codes (a StrEnum); fulfillment's holds exception
    classes and is not converted yet."""
    return sorted(
        p.parent.name for p in ROOT.glob("*/errors.py") if "(StrEnum)" in p.read_text("utf-8")
    )


def test_domains_with_an_error_list_raise_no_inline_codes() -> None:
    domains = _listed_domains()
    assert {
        "moderation",
        "engagement",
        "media",
        "lingua",
        "notifications",
        "realtime",
        "accounts",
        "captions",
        "pages",
        "privacy",
    } <= set(domains)
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for domain in domains
        for path in sorted((ROOT / domain).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []


def test_error_codes_are_snake_case_and_render_as_plain_strings() -> None:
    import json

    for domain in _listed_domains():
        module = importlib.import_module(f"castcart.{domain}.errors")
        enums = [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum
        ]
        assert enums, domain
        for enum in enums:
            for member in enum:
                assert re.fullmatch(r"[a-z][a-z_]*", member.value), (domain, member)
                assert member.name == member.value.upper()
                assert json.dumps({"code": member}) == json.dumps({"code": member.value})
