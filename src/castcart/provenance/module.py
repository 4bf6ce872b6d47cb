"""What `provenance` contributes to the app: the EPCIS event log per store (tables), the
recording API for staff and the public journey, checkpoint and proof endpoints."""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "provenance",
    models=("castcart.provenance.models",),
    routers=("castcart.provenance.api:router", "castcart.provenance.api:shop_router"),
)
