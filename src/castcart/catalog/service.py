"""Catalog writes and reads, always scoped to one store."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from castcart.catalog import prices
from castcart.catalog.models import (
    Product,
    ProductImage,
    ProductTranslation,
    StockLevel,
    Variant,
    Warehouse,
)
from castcart.catalog.schemas import (
    ProductIn,
    ProductPatch,
    StockOut,
    VariantIn,
    VariantOut,
    VariantPatch,
    WarehouseIn,
)
from castcart.core.errors import ConflictError, NotFoundError, UnprocessableError
from castcart.core.tenancy import get_owned


def get_product(session: Session, store_id: str, product_id: str) -> Product:
    return get_owned(
        session,
        Product,
        product_id,
        store_id,
        message="product not found",
        code="product_not_found",
    )


def get_variant(session: Session, store_id: str, variant_id: str) -> Variant:
    return get_owned(
        session,
        Variant,
        variant_id,
        store_id,
        message="variant not found",
        code="variant_not_found",
    )


def get_warehouse(session: Session, store_id: str, warehouse_id: str) -> Warehouse:
    return get_owned(
        session,
        Warehouse,
        warehouse_id,
        store_id,
        message="warehouse not found",
        code="warehouse_not_found",
    )


def list_products(
    session: Session,
    store_id: str,
    *,
    only_active: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Product]:
    query = select(Product).where(Product.store_id == store_id)
    if only_active:
        query = query.where(Product.status == "active")
    return session.scalars(
        query.order_by(Product.created_at, Product.id).limit(limit).offset(offset)
    ).all()


def _check_skus_free(session: Session, store_id: str, skus: Sequence[str]) -> None:
    if len(set(skus)) != len(skus):
        raise ConflictError("duplicate SKU in request", code="sku_taken")
    taken = session.scalars(
        select(Variant.sku).where(Variant.store_id == store_id, Variant.sku.in_(skus))
    ).all()
    if taken:
        raise ConflictError(
            f"SKU already used: {', '.join(taken)}", code="sku_taken", details={"skus": list(taken)}
        )


def _check_unique_locales(translations: Sequence[object]) -> None:
    locales = [getattr(t, "locale", None) for t in translations]
    if len(set(locales)) != len(locales):
        raise ConflictError("one translation per locale", code="duplicate_locale")


def create_product(
    session: Session, store_id: str, currency: str, data: ProductIn, *, actor: str | None = None
) -> Product:
    if session.scalar(
        select(Product.id).where(Product.store_id == store_id, Product.handle == data.handle)
    ):
        raise ConflictError(f"handle {data.handle!r} is taken", code="handle_taken")
    _check_unique_locales(data.translations)
    _check_skus_free(session, store_id, [v.sku for v in data.variants])
    product = Product(
        store_id=store_id, handle=data.handle, status=data.status, attributes=data.attributes
    )
    product.translations = [ProductTranslation(**t.model_dump()) for t in data.translations]
    product.images = [
        ProductImage(url=str(i.url), alt=i.alt, position=n) for n, i in enumerate(data.images)
    ]
    product.variants = [_new_variant(store_id, currency, v) for v in data.variants]
    session.add(product)
    session.flush()
    for variant in product.variants:
        prices.record_list_price(session, variant, actor=actor)
    session.flush()
    # Reload the collections so the response lists them in their canonical order.
    session.expire(product, ["translations", "images", "variants"])
    return product


def _new_variant(store_id: str, currency: str, data: VariantIn) -> Variant:
    return Variant(
        store_id=store_id,
        sku=data.sku,
        options=data.options,
        price_amount=data.price_amount,
        currency=currency,
        weight_grams=data.weight_grams,
    )


def update_product(session: Session, store_id: str, product_id: str, data: ProductPatch) -> Product:
    product = get_product(session, store_id, product_id)
    if data.status is not None:
        product.status = data.status
    if data.attributes is not None:
        product.attributes = data.attributes
    if data.translations is not None:
        _check_unique_locales(data.translations)
        product.translations.clear()
        session.flush()
        product.translations.extend(ProductTranslation(**t.model_dump()) for t in data.translations)
    if data.images is not None:
        product.images.clear()
        session.flush()
        product.images.extend(
            ProductImage(url=str(i.url), alt=i.alt, position=n) for n, i in enumerate(data.images)
        )
    session.flush()
    session.expire(product, ["translations", "images", "variants"])
    return product


def add_variant(
    session: Session,
    store_id: str,
    currency: str,
    product_id: str,
    data: VariantIn,
    *,
    actor: str | None = None,
) -> Variant:
    product = get_product(session, store_id, product_id)
    _check_skus_free(session, store_id, [data.sku])
    variant = _new_variant(store_id, currency, data)
    product.variants.append(variant)
    session.flush()
    prices.record_list_price(session, variant, actor=actor)
    session.flush()
    return variant


def update_variant(
    session: Session,
    store_id: str,
    variant_id: str,
    data: VariantPatch,
    *,
    actor: str | None = None,
) -> Variant:
    """Change a variant; a new price is kept in the price history (the old one ends now)."""
    variant = get_variant(session, store_id, variant_id)
    if data.price_amount is not None and data.price_amount != variant.price_amount:
        previous = variant.price_amount
        variant.price_amount = data.price_amount
        prices.record_list_price(session, variant, previous=previous, actor=actor)
    if data.options is not None:
        variant.options = data.options
    if data.weight_grams is not None:
        variant.weight_grams = data.weight_grams
    session.flush()
    return variant


def create_warehouse(session: Session, store_id: str, data: WarehouseIn) -> Warehouse:
    if session.scalar(
        select(Warehouse.id).where(Warehouse.store_id == store_id, Warehouse.code == data.code)
    ):
        raise ConflictError(f"warehouse code {data.code!r} is taken", code="warehouse_code_taken")
    warehouse = Warehouse(store_id=store_id, **data.model_dump())
    _check_warehouse_calendar(warehouse)
    session.add(warehouse)
    session.flush()
    return warehouse


def _check_warehouse_calendar(warehouse: Warehouse) -> None:
    """Cut-off, time zone and subdivision must make a working calendar before they are saved."""
    from castcart.fulfillment.errors import FulfillmentError
    from castcart.fulfillment.service import to_warehouse

    try:
        pure = to_warehouse(warehouse)
    except FulfillmentError as exc:
        raise UnprocessableError(exc.message, code=exc.code, details=exc.details) from exc
    # Keep the derived zone, so the merchant sees the clock the cut-off runs on.
    warehouse.timezone = pure.timezone


def list_warehouses(session: Session, store_id: str) -> Sequence[Warehouse]:
    return session.scalars(
        select(Warehouse)
        .where(Warehouse.store_id == store_id)
        .order_by(Warehouse.priority, Warehouse.code)
    ).all()


def set_stock(
    session: Session, store_id: str, variant_id: str, warehouse_id: str, quantity: int
) -> StockLevel:
    """Set on-hand stock. It may not go below what unpaid orders already hold."""
    get_variant(session, store_id, variant_id)
    get_warehouse(session, store_id, warehouse_id)
    level = session.scalar(
        select(StockLevel).where(
            StockLevel.variant_id == variant_id, StockLevel.warehouse_id == warehouse_id
        )
    )
    if level is None:
        level = StockLevel(
            store_id=store_id,
            variant_id=variant_id,
            warehouse_id=warehouse_id,
            quantity=quantity,
            reserved=0,
        )
        session.add(level)
        session.flush()
        return level
    # Conditional update: a concurrent checkout may be reserving from this row right now.
    result = session.execute(
        update(StockLevel)
        .where(StockLevel.id == level.id, StockLevel.reserved <= quantity)
        .values(quantity=quantity)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(level)
        raise ConflictError(
            f"{level.reserved} units are reserved by unpaid orders; stock cannot go below that",
            code="stock_below_reserved",
            details={"reserved": level.reserved},
        )
    session.refresh(level)
    return level


def stock_for_variants(session: Session, variant_ids: Sequence[str]) -> dict[str, list[StockOut]]:
    rows = session.execute(
        select(StockLevel, Warehouse.code)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.variant_id.in_(variant_ids))
        .order_by(Warehouse.priority, Warehouse.code)
    ).all()
    stock: dict[str, list[StockOut]] = {vid: [] for vid in variant_ids}
    for level, code in rows:
        stock[level.variant_id].append(
            StockOut(
                warehouse_id=level.warehouse_id,
                warehouse_code=code,
                quantity=level.quantity,
                reserved=level.reserved,
                available=level.quantity - level.reserved,
            )
        )
    return stock


def variant_out(variant: Variant, stock: list[StockOut]) -> VariantOut:
    out = VariantOut.model_validate(variant)
    out.stock = stock
    out.available = sum(s.available for s in stock)
    return out


def title_for(product: Product, locale: str, fallback_locale: str) -> str:
    """The product title in ``locale``, else its language, else the store default, else any."""
    by_locale = {t.locale: t.title for t in product.translations}
    for candidate in (locale, locale.split("-")[0], fallback_locale):
        if candidate in by_locale:
            return by_locale[candidate]
    return product.translations[0].title if product.translations else product.handle


def add_image(session: Session, store_id: str, product_id: str, url: str, alt: str) -> Product:
    product = get_product(session, store_id, product_id)
    if len(product.images) >= 50:
        raise UnprocessableError("a product has at most 50 images", code="too_many_images")
    position = max((i.position for i in product.images), default=-1) + 1
    product.images.append(ProductImage(url=url, alt=alt, position=position))
    session.flush()
    session.expire(product, ["images"])
    return product


def remove_image(session: Session, store_id: str, product_id: str, image_id: str) -> Product:
    product = get_product(session, store_id, product_id)
    image = next((i for i in product.images if i.id == image_id), None)
    if image is None:
        raise NotFoundError("image not found", code="image_not_found")
    product.images.remove(image)
    session.flush()
    session.expire(product, ["images"])
    return product
