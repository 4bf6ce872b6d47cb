"""The store's languages and glossary in the database, and the process-wide translator built
from the configured engines (engines and caches are expensive: one per process)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.accounts.service import get_store
from castcart.core.clock import utcnow
from castcart.core.db import Database
from castcart.core.errors import ConflictError, NotFoundError, UnprocessableError
from castcart.lingua.cache import DatabaseCache, RedisCache, SharedCache, TranslationCache
from castcart.lingua.engines import build_engines
from castcart.lingua.errors import LinguaErrorCode
from castcart.lingua.glossary import Glossary
from castcart.lingua.languages import normalize_supported
from castcart.lingua.models import GlossaryTerm, StoreLanguages
from castcart.lingua.settings import LinguaSettings
from castcart.lingua.translator import StoreChatTranslator, Translator

MAX_LANGUAGES = 12


def store_languages(session: Session, store_id: str) -> list[str]:
    """The configured audience languages, else the store's default language alone."""
    row = session.get(StoreLanguages, store_id)
    if row is not None and row.languages:
        return row.languages.split(",")
    store = get_store(session, store_id)
    return [store.default_locale.split("-")[0].lower() or "en"]


def set_store_languages(session: Session, store_id: str, languages: Sequence[str]) -> list[str]:
    codes: list[str] = []
    for code in languages:
        lang = normalize_supported(code)
        if lang not in codes:
            codes.append(lang)
    if not codes or len(codes) > MAX_LANGUAGES:
        raise UnprocessableError(
            f"between 1 and {MAX_LANGUAGES} languages", code=LinguaErrorCode.INVALID_LANGUAGE_COUNT
        )
    row = session.get(StoreLanguages, store_id)
    if row is None:
        session.add(StoreLanguages(store_id=store_id, languages=",".join(codes)))
    else:
        row.languages, row.updated_at = ",".join(codes), utcnow()
    return codes


def list_terms(session: Session, store_id: str) -> list[GlossaryTerm]:
    return list(
        session.scalars(
            select(GlossaryTerm)
            .where(GlossaryTerm.store_id == store_id)
            .order_by(GlossaryTerm.term, GlossaryTerm.target_lang)
        )
    )


def add_term(
    session: Session,
    store_id: str,
    *,
    term: str,
    source_lang: str | None,
    target_lang: str | None,
    translation: str | None,
) -> GlossaryTerm:
    """A protected term (no target) or a preferred translation (source, target, text)."""
    term = " ".join(term.split())
    if not term:
        raise UnprocessableError("the term is empty", code=LinguaErrorCode.EMPTY_TERM)
    if target_lang or translation:
        if not (source_lang and target_lang and translation and translation.strip()):
            raise UnprocessableError(
                "a preferred translation needs source_lang, target_lang and translation",
                code=LinguaErrorCode.INCOMPLETE_GLOSSARY_ENTRY,
            )
        source, target = normalize_supported(source_lang), normalize_supported(target_lang)
        if source == target:
            raise UnprocessableError(
                "source and target are the same", code=LinguaErrorCode.SAME_LANGUAGE
            )
        text = translation.strip()
    else:
        source, target, text = "", "", ""
    duplicate = session.scalar(
        select(GlossaryTerm.id).where(
            GlossaryTerm.store_id == store_id,
            GlossaryTerm.term == term,
            GlossaryTerm.source_lang == source,
            GlossaryTerm.target_lang == target,
        )
    )
    if duplicate is not None:
        raise ConflictError(
            "this glossary entry exists", code=LinguaErrorCode.DUPLICATE_GLOSSARY_TERM
        )
    row = GlossaryTerm(
        store_id=store_id, term=term, source_lang=source, target_lang=target, translation=text
    )
    session.add(row)
    session.flush()
    return row


def delete_term(session: Session, store_id: str, term_id: str) -> None:
    result = session.execute(
        delete(GlossaryTerm).where(GlossaryTerm.store_id == store_id, GlossaryTerm.id == term_id)
    )
    if not getattr(result, "rowcount", 0):
        raise NotFoundError("glossary term not found", code=LinguaErrorCode.GLOSSARY_TERM_NOT_FOUND)


def load_glossary(session: Session, store_id: str) -> Glossary:
    terms = list_terms(session, store_id)
    return Glossary.build(
        protected=[t.term for t in terms if not t.target_lang],
        preferred=[
            (t.source_lang, t.term, t.target_lang, t.translation) for t in terms if t.target_lang
        ],
    )


_translators: dict[tuple[str, str, str], Translator] = {}
_lock = threading.Lock()


def shared_translator(settings: LinguaSettings, db: Database | None) -> Translator:
    """One translator per process and configuration: engines load models once and the LRU
    is shared by every show and chat room of the process."""
    key = (settings.mt_engines, str(settings.mt_model_dir), db.url if db else "")
    with _lock:
        if key not in _translators:
            shared: SharedCache | None = None
            if settings.redis_url:
                shared = RedisCache(settings.redis_url)
            elif db is not None:
                shared = DatabaseCache(db)
            engines = build_engines(settings.engine_names, mt_model_dir=settings.mt_model_dir)
            _translators[key] = Translator(engines, TranslationCache(shared=shared))
        return _translators[key]


def chat_translator_for_store(
    db: Database, store_id: str, settings: LinguaSettings
) -> StoreChatTranslator:
    """The adapter the real-time hub calls for a store's chat (glossary and languages read
    once; build a new one when the store changes them)."""
    with db.read() as session:
        languages = store_languages(session, store_id)
        glossary = load_glossary(session, store_id)
        store = session.get(Store, store_id)
        default = store.default_locale if store else None
    return StoreChatTranslator(
        shared_translator(settings, db), languages, glossary=glossary, default_lang=default
    )


class StoreChatTranslators:
    """``store id -> ChatTranslator`` for the real-time hub (the ``ChatTranslation`` service).

    The hub asks once per show room, possibly on the event loop, so this returns a proxy at
    once; the proxy reads the store's languages and glossary in the hub's worker thread and
    re-reads them every ``ttl_s``, so a glossary edit reaches a running show within a minute.
    None when no translation engine is installed at all."""

    def __init__(self, db: Database, settings: LinguaSettings, *, ttl_s: float = 60.0) -> None:
        self.db = db
        self.settings = settings
        self.ttl_s = ttl_s
        self._built: dict[str, tuple[float, StoreChatTranslator]] = {}
        self._lock = threading.Lock()

    def __call__(self, store_id: str) -> _StoreChatProxy | None:
        if not shared_translator(self.settings, self.db).engines:
            return None
        return _StoreChatProxy(self, store_id)

    def current(self, store_id: str) -> StoreChatTranslator:
        import time

        now = time.monotonic()
        with self._lock:
            entry = self._built.get(store_id)
            if entry is not None and now - entry[0] < self.ttl_s:
                return entry[1]
        built = chat_translator_for_store(self.db, store_id, self.settings)
        with self._lock:
            self._built[store_id] = (now, built)
        return built

    def warm(self, store_ids: Iterable[str]) -> int:
        """Build these stores' translators (and their detectors' models) now; returns how
        many. Called off the loop at start-up, before the room serves anyone."""
        warmed = 0
        for store_id in store_ids:
            self.current(store_id)
            warmed += 1
        return warmed


class _StoreChatProxy:
    def __init__(self, owner: StoreChatTranslators, store_id: str) -> None:
        self.owner = owner
        self.store_id = store_id

    def translate(self, text: str, targets: frozenset[str]) -> tuple[str | None, dict[str, str]]:
        return self.owner.current(self.store_id).translate(text, targets)
