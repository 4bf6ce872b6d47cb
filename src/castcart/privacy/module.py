"""What `privacy` contributes to the app: Consent records, data-subject export and erasure."""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "privacy",
    models=("castcart.privacy.models",),
    routers=(
        "castcart.privacy.api:router",
        "castcart.privacy.api:shop_router",
    ),
)
