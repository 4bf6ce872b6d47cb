"""The shipping-address form the checkout page draws: the destination's fields, in its
order, with labels from the pages' string catalogs. It lives with the pages (not commerce)
because its labels are UI strings; commerce validates the address it receives
(``castcart.commerce.address``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from castcart.commerce import address
from castcart.commerce.schemas import AddressFieldOut, AddressFormOut
from castcart.core.errors import NotFoundError
from castcart.pages.errors import PagesErrorCode
from castcart.pages.i18n import SUPPORTED, catalog
from castcart.web.deps import PublicStore
from castcart.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/shop/{store_slug}", tags=["shop"], responses=ERROR_RESPONSES)


@router.get("/checkout/address-form/{country}", response_model=AddressFormOut)
def address_form(
    store: PublicStore,  # declares {store_slug}; an unknown store is a 404
    country: Annotated[str, Path(pattern="^[A-Za-z]{2}$")],
    locale: Annotated[str, Query(pattern="^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en",
) -> AddressFormOut:
    """The shipping-address form for a destination: fields in the country's order, labels
    (in ``locale`` where the pages have a translation), required flags, the state/province
    list (US, CA, BR, MX, AU, …) and the postal-code pattern checkout will enforce."""
    lang = locale.split("-")[0]
    try:
        form = address.address_form(country, lang)
    except address.AddressError as exc:
        raise NotFoundError(
            f"no address format for {country!r}", code=PagesErrorCode.UNKNOWN_COUNTRY
        ) from exc
    labels = catalog(lang if lang in SUPPORTED else "en")
    return AddressFormOut(
        country=form.country,
        postal_code_pattern=form.postal_code_pattern,
        fields=[
            AddressFieldOut(
                name=f.name,
                label=labels.get(f.label_key, f.label_key),
                label_key=f.label_key,
                required=f.required,
                choices=[{"code": c, "name": n} for c, n in f.choices],
                example=f.example,
            )
            for f in form.fields
        ],
    )
