"""What `catalog` contributes to the app: Products, variants, translations and stock."""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "catalog",
    models=("castcart.catalog.models",),
    routers=(
        "castcart.catalog.api:router",
        "castcart.catalog.api:shop_router",
        "castcart.catalog.api:image_router",
        "castcart.catalog.claims_api:router",
    ),
)
