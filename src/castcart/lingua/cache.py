"""The translation cache: the same caption or common chat line ("hello!", "how much?") is
translated once and served to every viewer.

Two tiers: an in-process LRU (microseconds, per process) in front of a shared store — Redis
when ``CASTCART_REDIS_URL`` is set, else the database table ``translation_cache`` — so
several app nodes and the caption worker share their work. Keys are (engine, pair, text):
a better engine for the same pair never serves a worse engine's cached output. A shared
store that fails is logged and bypassed; translation never fails because of the cache.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from castcart.core.clock import utcnow
from castcart.core.db import Database

log = logging.getLogger(__name__)


def cache_key(engine: str, source: str, target: str, text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{engine}:{source}-{target}:{digest}"


class SharedCache(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, str]: ...

    def put_many(self, items: Mapping[str, str]) -> None: ...


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class TranslationCache:
    """LRU in front of an optional shared store; thread-safe."""

    def __init__(self, maxsize: int = 20_000, shared: SharedCache | None = None) -> None:
        self.maxsize = maxsize
        self.shared = shared
        self.stats = CacheStats()
        self._lru: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for key in keys:
                if key in self._lru:
                    self._lru.move_to_end(key)
                    found[key] = self._lru[key]
        missing = [k for k in keys if k not in found]
        if missing and self.shared is not None:
            try:
                remote = self.shared.get_many(missing)
            except Exception:  # a cache outage must not stop translation
                log.exception("shared translation cache read failed")
                remote = {}
            found.update(remote)
            self._remember(remote)
        with self._lock:
            self.stats.hits += len(found)
            self.stats.misses += len(keys) - len(found)
        return found

    def put_many(self, items: Mapping[str, str]) -> None:
        self._remember(items)
        if items and self.shared is not None:
            try:
                self.shared.put_many(items)
            except Exception:
                log.exception("shared translation cache write failed")

    def _remember(self, items: Mapping[str, str]) -> None:
        with self._lock:
            for key, value in items.items():
                self._lru[key] = value
                self._lru.move_to_end(key)
            while len(self._lru) > self.maxsize:
                self._lru.popitem(last=False)

    def clear_local(self) -> None:
        with self._lock:
            self._lru.clear()


class RedisCache:
    """Shared tier in Redis; entries expire so a retired engine's output ages out."""

    def __init__(self, url: str, *, ttl_s: int = 30 * 86400, prefix: str = "castcart:mt:"):
        import redis

        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.ttl_s = ttl_s
        self.prefix = prefix

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        values = self._redis.mget([self.prefix + k for k in keys])
        return {
            k: v.decode() if isinstance(v, bytes) else str(v)
            for k, v in zip(keys, values, strict=True)
            if v is not None
        }

    def put_many(self, items: Mapping[str, str]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for key, value in items.items():
            pipe.set(self.prefix + key, value, ex=self.ttl_s)
        pipe.execute()


class DatabaseCache:
    """Shared tier in the ``translation_cache`` table (the embedded default)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        from castcart.lingua.models import CachedTranslation

        found: dict[str, str] = {}
        with self.db.read() as session:
            for chunk in _chunks(keys, 500):
                rows = session.execute(
                    select(CachedTranslation.key, CachedTranslation.translation).where(
                        CachedTranslation.key.in_(chunk)
                    )
                )
                found.update({row.key: row.translation for row in rows})
        return found

    def put_many(self, items: Mapping[str, str]) -> None:
        from castcart.lingua.models import CachedTranslation

        try:
            with self.db.write() as session:
                existing: set[str] = set()
                for chunk in _chunks(list(items), 500):
                    existing.update(
                        session.scalars(
                            select(CachedTranslation.key).where(CachedTranslation.key.in_(chunk))
                        )
                    )
                now = utcnow()
                session.add_all(
                    CachedTranslation(key=key, translation=value, created_at=now)
                    for key, value in items.items()
                    if key not in existing
                )
        except IntegrityError:
            pass  # another process cached some of these first; they are there either way
        except SQLAlchemyError:
            log.exception("could not cache translations in the database")


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
