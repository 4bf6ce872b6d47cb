"""What `accounts` contributes to the app: Stores, staff and shoppers: sign-up, login, sessions."""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "accounts",
    models=("castcart.accounts.models",),
    routers=(
        "castcart.accounts.api:router",
        "castcart.accounts.api:shop_router",
    ),
)
