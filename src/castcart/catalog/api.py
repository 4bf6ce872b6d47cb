from __future__ import annotations

from pathlib import Path as Path_
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile, status
from fastapi.responses import FileResponse
from pydantic import AfterValidator
from sqlalchemy.orm import Session

from castcart.accounts.models import Store
from castcart.accounts.service import get_store
from castcart.catalog import evidence, findings, images, prices, service
from castcart.catalog.description_check import check_descriptions
from castcart.catalog.models import Product
from castcart.catalog.schemas import (
    FindingOut,
    FindingResolveIn,
    ProductIn,
    ProductOut,
    ProductPatch,
    StockIn,
    StockOut,
    VariantIn,
    VariantOut,
    VariantPatch,
    WarehouseIn,
    WarehouseOut,
)
from castcart.compliance import PriceHistory
from castcart.compliance.restricted import restricted_markets, restrictions
from castcart.compliance.substantiation import CLEARABLE
from castcart.core.errors import NotFoundError
from castcart.core.validation import known_country
from castcart.web.deps import Ctx, PublicStore, Staff
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["catalog"], responses=ERROR_RESPONSES)
ObjectId = Annotated[str, Path(max_length=32)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10**6)]
ViewerCountry = Annotated[
    str | None,
    Query(pattern=r"^[A-Z]{2}$", description="the viewer's country (ISO 3166)"),
    AfterValidator(lambda c: None if c is None else known_country(c)),
]


def product_out(session: Session, product: Product, *, public: bool = False) -> ProductOut:
    """Staff see stock per warehouse; shoppers only see how many are available."""
    stock = service.stock_for_variants(session, [v.id for v in product.variants])
    out = ProductOut.model_validate(product)
    out.variants = [service.variant_out(v, stock[v.id]) for v in product.variants]
    if public:
        for variant in out.variants:
            variant.stock = []
        # machine drafts wait for the merchant's approval
        out.translations = [t for t in out.translations if t.status == "published"]
    else:
        out.restricted_in = restricted_markets(product.attributes)
    return out


def allowed_in(product: Product, country: str | None) -> bool:
    """Hidden from a storefront whose market forbids it (alcohol in SA, CBD in AU, ...)."""
    return country is None or not restrictions(product.attributes, country)


def _check(session: Session, store_id: str, product: Product) -> list[dict[str, Any]]:
    """Check the copy against the store's home-market rules and keep the findings (those a
    substantiation record backs are resolved with it cited)."""
    store = session.get(Store, store_id)
    found = (
        check_descriptions(
            product,
            store.country,
            evidence.records(session, store_id),
            prices=_copy_prices(session, product),
        )
        if store is not None
        else []
    )
    findings.sync(session, product, found)
    return found


def _copy_prices(session: Session, product: Product) -> PriceHistory | None:
    """The history a price reference in the copy is judged on: the first variant's (the
    copy names one price; a product whose variants differ in price is judged on its first)."""
    if not product.variants:
        return None
    points = prices.price_points(session, [product.variants[0].id])
    return PriceHistory(points=points) if points else None


def recheck_products(session: Session, store_id: str, product_id: str | None) -> None:
    """Re-check the copy a substantiation record concerns: its product, or (a store-wide
    record) every product with a finding a record could clear."""
    if product_id is not None:
        _check(session, store_id, service.get_product(session, store_id, product_id))
        return
    for pid in findings.products_with(session, store_id, sorted(CLEARABLE)):
        _check(session, store_id, service.get_product(session, store_id, pid))


def _checked(session: Session, store_id: str, product: Product) -> ProductOut:
    """The saved product with its copy checked against the store's home-market rules."""
    found = _check(session, store_id, product)
    out = product_out(session, product)
    out.compliance_findings = found
    out.open_findings = findings.open_counts(session, [product.id]).get(product.id, 0)
    return out


def _store_currency(session: Session, store_id: str) -> str:
    return get_store(session, store_id).currency


@router.get("/products", response_model=list[ProductOut])
def list_products(
    ctx: Ctx, staff: Staff, limit: Limit = 100, offset: Offset = 0
) -> list[ProductOut]:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        rows = service.list_products(session, staff.store_id, limit=limit, offset=offset)
        counts = findings.open_counts(session, [p.id for p in rows])
        out = [product_out(session, p) for p in rows]
        for product in out:
            product.open_findings = counts.get(product.id, 0)
        return out


@router.post("/products", status_code=status.HTTP_201_CREATED, response_model=ProductOut)
def create_product(ctx: Ctx, staff: Staff, data: ProductIn) -> ProductOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        product = service.create_product(
            session,
            staff.store_id,
            _store_currency(session, staff.store_id),
            data,
            actor=f"staff:{staff.user_id}",
        )
        return _checked(session, staff.store_id, product)


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(ctx: Ctx, staff: Staff, product_id: ObjectId) -> ProductOut:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        out = product_out(session, service.get_product(session, staff.store_id, product_id))
        out.open_findings = findings.open_counts(session, [product_id]).get(product_id, 0)
        return out


@router.get("/products/{product_id}/findings", response_model=list[FindingOut])
def list_findings(ctx: Ctx, staff: Staff, product_id: ObjectId) -> list[FindingOut]:
    """Compliance findings in the product's copy: open ones first, then resolved ones with
    their note (findings the copy no longer contains are left out)."""
    staff.require("catalog.read")
    with ctx.db.read() as session:
        service.get_product(session, staff.store_id, product_id)
        rows = findings.list_for(session, staff.store_id, product_id)
        return [FindingOut.model_validate(f) for f in rows]


@router.post("/products/{product_id}/findings/recheck", response_model=list[FindingOut])
def recheck_findings(ctx: Ctx, staff: Staff, product_id: ObjectId) -> list[FindingOut]:
    """Check the copy again (after a rule update, or an edit made elsewhere)."""
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        product = service.get_product(session, staff.store_id, product_id)
        _check(session, staff.store_id, product)
        rows = findings.list_for(session, staff.store_id, product_id)
        return [FindingOut.model_validate(f) for f in rows]


@router.post("/findings/{finding_id}/resolve", response_model=FindingOut)
def resolve_finding(
    ctx: Ctx, staff: Staff, finding_id: ObjectId, data: FindingResolveIn
) -> FindingOut:
    """Mark a finding reviewed, with a note saying why the copy is fine or what was done."""
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        row = findings.resolve(
            session, staff.store_id, finding_id, data.note, f"staff:{staff.user_id}"
        )
        return FindingOut.model_validate(row)


@router.patch("/products/{product_id}", response_model=ProductOut)
def update_product(ctx: Ctx, staff: Staff, product_id: ObjectId, data: ProductPatch) -> ProductOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        product = service.update_product(session, staff.store_id, product_id, data)
        return _checked(session, staff.store_id, product)


@router.post(
    "/products/{product_id}/variants",
    status_code=status.HTTP_201_CREATED,
    response_model=VariantOut,
)
def add_variant(ctx: Ctx, staff: Staff, product_id: ObjectId, data: VariantIn) -> VariantOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        variant = service.add_variant(
            session,
            staff.store_id,
            _store_currency(session, staff.store_id),
            product_id,
            data,
            actor=f"staff:{staff.user_id}",
        )
        return service.variant_out(variant, [])


@router.patch("/variants/{variant_id}", response_model=VariantOut)
def update_variant(ctx: Ctx, staff: Staff, variant_id: ObjectId, data: VariantPatch) -> VariantOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        variant = service.update_variant(
            session, staff.store_id, variant_id, data, actor=f"staff:{staff.user_id}"
        )
        stock = service.stock_for_variants(session, [variant.id])[variant.id]
        return service.variant_out(variant, stock)


@router.put("/variants/{variant_id}/stock/{warehouse_id}", response_model=StockOut)
def set_stock(
    ctx: Ctx, staff: Staff, variant_id: ObjectId, warehouse_id: ObjectId, data: StockIn
) -> StockOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        service.set_stock(session, staff.store_id, variant_id, warehouse_id, data.quantity)
        levels = service.stock_for_variants(session, [variant_id])[variant_id]
        return next(s for s in levels if s.warehouse_id == warehouse_id)


def _image_dir(ctx: Ctx) -> Path_:
    return ctx.settings.data_dir / "catalog-images"


@router.post(
    "/products/{product_id}/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductOut,
)
def upload_image(
    ctx: Ctx,
    staff: Staff,
    product_id: ObjectId,
    file: Annotated[UploadFile, File(description="JPEG, PNG, WebP or GIF, at most 10 MB")],
    alt: Annotated[str, Form(max_length=300)] = "",
) -> ProductOut:
    """Add an image: decoded with Pillow (anything else is refused), resized to a few widths,
    stored under the data dir and served from ``/catalog-images/``."""
    staff.require("catalog.write")
    with ctx.db.read() as session:
        service.get_product(session, staff.store_id, product_id)  # 404 before any work
    data = file.file.read(images.MAX_UPLOAD_BYTES + 1)
    stored = images.store(data, _image_dir(ctx))
    with ctx.unit_of_work() as (session, _):
        product = service.add_image(session, staff.store_id, product_id, stored.url(), alt)
        return product_out(session, product)


@router.delete("/products/{product_id}/images/{image_id}", response_model=ProductOut)
def delete_image(ctx: Ctx, staff: Staff, product_id: ObjectId, image_id: ObjectId) -> ProductOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        product = service.remove_image(session, staff.store_id, product_id, image_id)
        return product_out(session, product)


@router.get("/warehouses", response_model=list[WarehouseOut])
def list_warehouses(ctx: Ctx, staff: Staff) -> list[WarehouseOut]:
    staff.require("catalog.read")
    with ctx.db.read() as session:
        return [
            WarehouseOut.model_validate(w) for w in service.list_warehouses(session, staff.store_id)
        ]


@router.post("/warehouses", status_code=status.HTTP_201_CREATED, response_model=WarehouseOut)
def create_warehouse(ctx: Ctx, staff: Staff, data: WarehouseIn) -> WarehouseOut:
    staff.require("catalog.write")
    with ctx.unit_of_work() as (session, _):
        return WarehouseOut.model_validate(service.create_warehouse(session, staff.store_id, data))


shop_router = APIRouter(
    prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES
)


@shop_router.get("/products", response_model=list[ProductOut])
def shop_products(
    ctx: Ctx,
    store: PublicStore,
    limit: Limit = 100,
    offset: Offset = 0,
    country: ViewerCountry = None,
) -> list[ProductOut]:
    """The storefront; with ``country`` it leaves out what that market forbids."""
    with ctx.db.read() as session:
        return [
            product_out(session, p, public=True)
            for p in service.list_products(
                session, store.id, only_active=True, limit=limit, offset=offset
            )
            if allowed_in(p, country)
        ]


@shop_router.get("/products/{product_id}", response_model=ProductOut)
def shop_product(
    ctx: Ctx, store: PublicStore, product_id: ObjectId, country: ViewerCountry = None
) -> ProductOut:
    with ctx.db.read() as session:
        product = service.get_product(session, store.id, product_id)
        if product.status != "active" or not allowed_in(product, country):
            raise NotFoundError("product not found", code="product_not_found")
        return product_out(session, product, public=True)


image_router = APIRouter(tags=["shop"], include_in_schema=False)


@image_router.get(images.URL_PREFIX + "/{name}", response_model=None)
def product_image(
    ctx: Ctx, request: Request, name: Annotated[str, Path(max_length=80)]
) -> Response:
    """An uploaded rendition. The name is its content digest, so it never changes: cached
    for a year as immutable, with the name as a strong ETag."""
    path = images.path_for(_image_dir(ctx), name)
    if path is None:
        raise NotFoundError("image not found", code="image_not_found")
    etag = f'"{name.removesuffix(".webp")}"'
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    response = FileResponse(path, media_type="image/webp")
    response.headers.update(headers)
    return response
