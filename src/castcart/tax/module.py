"""What `tax` contributes to the app: Destination tax tables, thresholds and the tax CLI."""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "tax",
    commands=(("tax", "castcart.tax.cli:app"),),
)
