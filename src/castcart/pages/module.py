"""What `pages` contributes to the app: Server-rendered pages: shopper page, widget, host
console, admin.
"""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "pages",
    install=("castcart.pages:install",),
    routers=(
        "castcart.pages.admin_orders:router",
        "castcart.pages.order_page:router",
        "castcart.pages.address_form_api:router",
    ),
)
