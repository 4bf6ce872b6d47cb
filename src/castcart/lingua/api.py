"""Staff API of the multilingual domain: the store's audience languages, its glossary, and
on-demand translation (catalog drafts, the host reading a chat line)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from castcart.core.errors import UnprocessableError
from castcart.lingua import catalog_drafts, service
from castcart.lingua.detect import LanguageDetectorService
from castcart.lingua.errors import LinguaErrorCode
from castcart.lingua.languages import SUPPORTED, normalize_supported
from castcart.lingua.settings import LinguaSettings
from castcart.lingua.translator import Translator
from castcart.realtime.chat import ChatTranslation
from castcart.web.context import AppContext
from castcart.web.deps import Ctx, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/lingua", tags=["lingua"], responses=ERROR_RESPONSES)

LangCode = Annotated[str, StringConstraints(min_length=2, max_length=16)]
Text = Annotated[str, StringConstraints(max_length=2000)]


def lingua_settings(ctx: AppContext) -> LinguaSettings:
    """The app's data dir and Redis win over the environment (tests build their own)."""
    return ctx.services.get_or_create(
        LinguaSettings,
        lambda: LinguaSettings(data_dir=ctx.settings.data_dir, redis_url=ctx.settings.redis_url),
    )


def install(ctx: AppContext) -> None:
    """Give the real-time rooms their chat translator (the ``ChatTranslation`` service)."""
    translators = service.StoreChatTranslators(ctx.db, lingua_settings(ctx))
    ctx.services.provide(service.StoreChatTranslators, translators)
    ctx.services.provide(ChatTranslation, ChatTranslation(translators))


def warm(ctx: AppContext) -> int:
    """At start-up: load the language models of every store with a show live or due within
    a day, so its first chat lines are not held up by a model load."""
    from castcart.core.clock import utcnow
    from castcart.shows.service import stores_with_shows_on_air_or_due

    with ctx.db.read() as session:
        store_ids = stores_with_shows_on_air_or_due(session, utcnow())
    translators = ctx.services.get(service.StoreChatTranslators)
    return translators.warm(store_ids) if translators is not None else 0


def translator(ctx: AppContext) -> Translator:
    return service.shared_translator(lingua_settings(ctx), ctx.db)


class LanguagesIn(BaseModel):
    languages: list[LangCode] = Field(min_length=1, max_length=service.MAX_LANGUAGES)


class LanguagesOut(BaseModel):
    languages: list[str]
    supported: list[str]
    # pairs the installed engines reach among the store's languages ("en-es"), pivots included
    pairs: list[str]


class TermIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    term: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    source_lang: LangCode | None = None
    target_lang: LangCode | None = None
    translation: Annotated[str, StringConstraints(max_length=200)] | None = None


class TermOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    term: str
    source_lang: str
    target_lang: str
    translation: str


class TranslateIn(BaseModel):
    texts: list[Text] = Field(min_length=1, max_length=100)
    source: LangCode | None = None  # None: detected from the texts
    target: LangCode


class TranslateOut(BaseModel):
    source: str
    target: str
    texts: list[str]


class DetectIn(BaseModel):
    text: Text
    fallback: LangCode | None = None


class DetectOut(BaseModel):
    lang: str | None
    detected: bool


def _languages_out(ctx: AppContext, languages: list[str]) -> LanguagesOut:
    mt = translator(ctx)
    pairs = [f"{s}-{t}" for s in languages for t in languages if s != t and mt.can_translate(s, t)]
    return LanguagesOut(languages=languages, supported=sorted(SUPPORTED), pairs=pairs)


@router.get("/languages", response_model=LanguagesOut)
def get_languages(ctx: Ctx, staff: Staff) -> LanguagesOut:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        languages = service.store_languages(session, staff.store_id)
    return _languages_out(ctx, languages)


@router.put("/languages", response_model=LanguagesOut)
def put_languages(ctx: Ctx, staff: Staff, data: LanguagesIn) -> LanguagesOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        languages = service.set_store_languages(session, staff.store_id, data.languages)
    return _languages_out(ctx, languages)


@router.get("/glossary", response_model=list[TermOut])
def get_glossary(ctx: Ctx, staff: Staff) -> list[TermOut]:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        return [TermOut.model_validate(t) for t in service.list_terms(session, staff.store_id)]


@router.post("/glossary", response_model=TermOut, status_code=status.HTTP_201_CREATED)
def post_glossary(ctx: Ctx, staff: Staff, data: TermIn) -> TermOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        term = service.add_term(session, staff.store_id, **data.model_dump())
        return TermOut.model_validate(term)


@router.delete("/glossary/{term_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_glossary(ctx: Ctx, staff: Staff, term_id: Annotated[str, Path(max_length=32)]) -> None:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        service.delete_term(session, staff.store_id, term_id)


@router.post("/detect", response_model=DetectOut)
def detect(ctx: Ctx, staff: Staff, data: DetectIn) -> DetectOut:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        languages = service.store_languages(session, staff.store_id)
    found = LanguageDetectorService(languages).detect(data.text, data.fallback)
    return DetectOut(lang=found.lang, detected=found.detected)


@router.post("/translate", response_model=TranslateOut)
def translate(ctx: Ctx, staff: Staff, data: TranslateIn) -> TranslateOut:
    """Texts through the store glossary and the shared cache, e.g. a catalog draft."""
    staff.require("catalog.read")
    target = normalize_supported(data.target)
    with ctx.db.read() as session:
        languages = service.store_languages(session, staff.store_id)
        glossary = service.load_glossary(session, staff.store_id)
    if data.source:
        source = normalize_supported(data.source)
    else:
        found = LanguageDetectorService({*languages, target}).detect(" ".join(data.texts))
        if found.lang is None:
            raise UnprocessableError(
                "could not detect the language; give source",
                code=LinguaErrorCode.LANGUAGE_UNDETECTED,
            )
        source = found.lang
    texts = translator(ctx).translate(data.texts, source, target, glossary)
    return TranslateOut(source=source, target=target, texts=texts)


products_router = APIRouter(prefix="/api/v1/products", tags=["lingua"], responses=ERROR_RESPONSES)
ProductId = Annotated[str, Path(max_length=32)]


class MachineTranslationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    locales: list[LangCode] = Field(min_length=1, max_length=service.MAX_LANGUAGES)
    source_locale: LangCode | None = None


class MachineTranslationsOut(BaseModel):
    drafted: list[str] = Field(description="locales written as machine drafts (not yet public)")
    kept: list[str] = Field(description="locales the merchant wrote: never overwritten")


@products_router.post("/{product_id}/machine-translations", response_model=MachineTranslationsOut)
def machine_translations(
    ctx: Ctx, staff: Staff, product_id: ProductId, data: MachineTranslationsIn
) -> MachineTranslationsOut:
    """Draft the product's title and description in other locales by machine translation;
    shoppers see a draft only after ``.../translations/{locale}/approve``."""
    staff.require("catalog.write")
    with ctx.db.read() as session:
        plan = catalog_drafts.plan_drafts(
            session, staff.store_id, product_id, data.locales, data.source_locale
        )
        glossary = service.load_glossary(session, staff.store_id)
    drafts = catalog_drafts.translate_plan(plan, translator(ctx), glossary)
    with ctx.unit_of_work() as (session, _):
        result = catalog_drafts.save_drafts(session, staff.store_id, product_id, drafts)
    return MachineTranslationsOut(drafted=result.drafted, kept=sorted({*plan.kept, *result.kept}))


@products_router.post(
    "/{product_id}/translations/{locale}/approve", status_code=status.HTTP_204_NO_CONTENT
)
def approve_translation(
    ctx: Ctx, staff: Staff, product_id: ProductId, locale: Annotated[str, Path(max_length=16)]
) -> None:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        catalog_drafts.approve_translation(session, staff.store_id, product_id, locale)
