"""Assemble the semantic layer's labelled sentences and split them BY SOURCE DOCUMENT.

Input (hand-written, see docs/compliance.md "Labelled data"):

- ``src/castcart/compliance/data/sources.toml``: the enforcement decisions, guides and laws the
  sentences paraphrase (id, authority, title, url, main category);
- ``src/castcart/compliance/data/authored/*.txt``: blocks ``@source-id`` followed by lines
  ``LANG MARKET LABEL | sentence`` (``#`` starts a comment).

Output: ``src/castcart/compliance/data/labelled.jsonl``, one object a line with ``id``, ``text``,
``lang``, ``market``, ``category`` (a checker category or ``"compliant"``), ``expected`` (the
list form the evaluation reads), ``source``, ``source_title``, ``source_url`` and ``split``.

The split is decided per source document, never per sentence, so a paraphrase and its
translations can never sit on both sides: within each main category the sources are ordered by
a hash of their id (stable, independent of the sentences) and the first 20 % go to ``test``, the
next 20 % to ``dev``, the rest to ``train`` (at least one source each for test and dev).

    python scripts/build_compliance_data.py          # write labelled.jsonl
    python scripts/build_compliance_data.py --check  # exit 1 if labelled.jsonl is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "castcart" / "compliance" / "data"
OUT = DATA / "labelled.jsonl"

LABELS = {
    "abs": "absolute_claim",
    "med": "medical_claim",
    "ad": "missing_ad_disclosure",
    "urg": "fake_urgency",
    "cmp": "unverified_comparison",
    "price": "price_reference_misleading",
    "eco": "environmental_claim_unsubstantiated",
    "res": "restricted_product_market",
    "ok": "compliant",
}
LANGS = {"en", "es", "fr", "de", "it", "id", "ms", "ar"}
MARKETS = {"us", "uk", "au", "eu", "es", "fr", "de", "it", "id", "my", "sa", "ae"}
SPLITS = ("train", "dev", "test")
_LINE = re.compile(
    r"^(?P<lang>[a-z]{2})\s+(?P<market>[a-z]{2})\s+(?P<label>[a-z]+)\s*\|\s*(?P<text>.+)$"
)


class DataError(ValueError):
    """A malformed source or sentence line, with file and line number."""


@dataclass(frozen=True)
class Source:
    id: str
    authority: str
    title: str
    url: str
    category: str


def load_sources(path: Path = DATA / "sources.toml") -> dict[str, Source]:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, Source] = {}
    for item in raw.get("source", []):
        src = Source(
            id=str(item["id"]),
            authority=str(item["authority"]),
            title=str(item["title"]),
            url=str(item["url"]),
            category=str(item["category"]),
        )
        if src.id in out:
            raise DataError(f"{path.name}: duplicate source id {src.id!r}")
        if src.category not in LABELS.values() or src.category == "compliant":
            raise DataError(f"{path.name}: source {src.id}: unknown category {src.category!r}")
        out[src.id] = src
    return out


def parse_authored(paths: list[Path], sources: dict[str, Source]) -> list[dict[str, Any]]:
    """Every sentence line of the authored files, with its source (errors name file:line)."""
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path in paths:
        current: str | None = None
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            where = f"{path.name}:{n}"
            if not line or line.startswith("#"):
                continue
            if line.startswith("@"):
                current = line[1:].strip()
                if current not in sources:
                    raise DataError(f"{where}: unknown source {current!r}")
                continue
            m = _LINE.match(line)
            if m is None:
                raise DataError(f"{where}: expected 'LANG MARKET LABEL | sentence'")
            if current is None:
                raise DataError(f"{where}: sentence before any @source line")
            lang, market, label = m["lang"], m["market"], m["label"]
            text = m["text"].strip()
            if lang not in LANGS:
                raise DataError(f"{where}: unknown language {lang!r}")
            if market not in MARKETS:
                raise DataError(f"{where}: unknown market {market!r}")
            if label not in LABELS:
                raise DataError(f"{where}: unknown label {label!r}")
            key = text.casefold()
            if key in seen:
                raise DataError(f"{where}: duplicate sentence (first at {seen[key]})")
            seen[key] = where
            rows.append(
                {
                    "text": text,
                    "lang": lang,
                    "market": market,
                    "category": LABELS[label],
                    "source": current,
                }
            )
    return rows


def split_sources(sources: dict[str, Source], used: set[str]) -> dict[str, str]:
    """Source id -> split: per main category, hash order, 20 % test, 20 % dev, rest train."""
    by_cat: dict[str, list[str]] = defaultdict(list)
    for sid in sorted(used):
        by_cat[sources[sid].category].append(sid)
    out: dict[str, str] = {}
    for ids in by_cat.values():
        ids.sort(key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        k = max(1, math.floor(len(ids) * 0.2)) if len(ids) >= 3 else 0
        for i, sid in enumerate(ids):
            out[sid] = "test" if i < k else "dev" if i < 2 * k else "train"
    return out


def build() -> list[dict[str, Any]]:
    sources = load_sources()
    rows = parse_authored(sorted((DATA / "authored").glob("*.txt")), sources)
    split = split_sources(sources, {r["source"] for r in rows})
    out = []
    for r in rows:
        src = sources[r["source"]]
        digest = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()[:10]
        out.append(
            {
                "id": f"{r['lang']}-{digest}",
                "text": r["text"],
                "lang": r["lang"],
                "market": r["market"],
                "category": r["category"],
                "expected": [] if r["category"] == "compliant" else [r["category"]],
                "source": src.id,
                "source_title": f"{src.authority}: {src.title}",
                "source_url": src.url,
                "split": split[src.id],
            }
        )
    return out


def render(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def summary(rows: list[dict[str, Any]]) -> str:
    lines = [f"{len(rows)} sentences, {len({r['source'] for r in rows})} source documents"]
    for sp in SPLITS:
        part = [r for r in rows if r["split"] == sp]
        cats = Counter(r["category"] for r in part)
        langs = Counter(r["lang"] for r in part)
        lines.append(
            f"  {sp:5s} {len(part):4d} sentences from {len({r['source'] for r in part})} sources; "
            + ", ".join(f"{k}={v}" for k, v in sorted(cats.items()))
        )
        lines.append("        " + ", ".join(f"{k}={v}" for k, v in sorted(langs.items())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if labelled.jsonl is stale")
    args = parser.parse_args(argv)
    try:
        rows = build()
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = render(rows)
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("labelled.jsonl is stale: run scripts/build_compliance_data.py", file=sys.stderr)
            return 1
        print(summary(rows))
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
