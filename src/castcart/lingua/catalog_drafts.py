"""Machine-translated product copy as drafts: the merchant's own translations always win,
machine output is marked as such and stays off the storefront until the merchant approves it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from castcart.catalog.models import Product, ProductTranslation
from castcart.catalog.service import get_product
from castcart.core.errors import NotFoundError, UnprocessableError
from castcart.lingua.errors import LinguaErrorCode
from castcart.lingua.glossary import Glossary
from castcart.lingua.languages import normalize_supported
from castcart.lingua.translator import Translator


@dataclass(frozen=True)
class DraftResult:
    drafted: list[str]  # locales written as machine drafts
    kept: list[str]  # locales the merchant already wrote: never overwritten


def _source(product: Product, source_locale: str | None) -> ProductTranslation:
    if source_locale is not None:
        for t in product.translations:
            if t.locale == source_locale:
                return t
        raise UnprocessableError(
            f"the product has no {source_locale!r} copy to translate from",
            code=LinguaErrorCode.SOURCE_LOCALE_MISSING,
        )
    merchant = [t for t in product.translations if t.origin == "merchant"]
    if not merchant:
        raise UnprocessableError(
            "the product has no merchant copy", code=LinguaErrorCode.SOURCE_LOCALE_MISSING
        )
    return merchant[0]


@dataclass(frozen=True)
class DraftPlan:
    source_lang: str
    texts: list[str]  # title, then the description when there is one
    targets: list[str]  # locales to draft
    kept: list[str]  # locales the merchant already wrote


def plan_drafts(
    session: Session,
    store_id: str,
    product_id: str,
    targets: Sequence[str],
    source_locale: str | None = None,
) -> DraftPlan:
    """What to translate. Read-only: the translation itself runs outside any write
    transaction (its cache may write to the database, and SQLite has one writer)."""
    product = get_product(session, store_id, product_id)
    source = _source(product, source_locale)
    by_locale = {t.locale: t for t in product.translations}
    drafted: list[str] = []
    kept: list[str] = []
    for target in dict.fromkeys(targets):
        existing = by_locale.get(target)
        if target == source.locale or (existing is not None and existing.origin == "merchant"):
            kept.append(target)
        else:
            normalize_supported(target)  # an unknown language is a 422 before any work
            drafted.append(target)
    texts = [source.title, source.description] if source.description else [source.title]
    return DraftPlan(normalize_supported(source.locale), texts, drafted, kept)


def translate_plan(
    plan: DraftPlan, translator: Translator, glossary: Glossary
) -> dict[str, list[str]]:
    return {
        target: translator.translate(
            plan.texts, plan.source_lang, normalize_supported(target), glossary
        )
        for target in plan.targets
    }


def save_drafts(
    session: Session, store_id: str, product_id: str, drafts: dict[str, list[str]]
) -> DraftResult:
    """Write machine drafts; a locale the merchant wrote meanwhile is kept as theirs."""
    product = get_product(session, store_id, product_id)
    by_locale = {t.locale: t for t in product.translations}
    drafted: list[str] = []
    kept: list[str] = []
    for target, out in drafts.items():
        title, description = out[0][:300], (out[1] if len(out) > 1 else "")
        existing = by_locale.get(target)
        if existing is not None and existing.origin == "merchant":
            kept.append(target)
        elif existing is None:
            product.translations.append(
                ProductTranslation(
                    locale=target,
                    title=title,
                    description=description,
                    origin="machine",
                    status="draft",
                )
            )
            drafted.append(target)
        else:
            existing.title, existing.description = title, description
            existing.origin, existing.status = "machine", "draft"
            drafted.append(target)
    session.flush()
    return DraftResult(drafted=drafted, kept=kept)


def approve_translation(session: Session, store_id: str, product_id: str, locale: str) -> None:
    """The merchant read the draft and publishes it (it stays marked as machine-made)."""
    product = get_product(session, store_id, product_id)
    for t in product.translations:
        if t.locale == locale:
            t.status = "published"
            session.flush()
            return
    raise NotFoundError(f"no {locale!r} translation", code=LinguaErrorCode.TRANSLATION_NOT_FOUND)
