"""What `fulfillment` contributes to the app: Warehouses, shipping lanes, allocation and
delivery promises.
"""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "fulfillment",
    models=("castcart.fulfillment.models",),
    routers=("castcart.fulfillment.api:router",),
)
