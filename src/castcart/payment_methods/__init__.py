"""Payment methods by market: which ways to pay fit a shopper's country, currency and total.

Pure logic over a dated, versioned data file (`data/methods.json`) citing its sources.
"""

from castcart.payment_methods.catalog import (
    Catalog,
    Source,
    available_methods,
    default_catalog,
    load_catalog,
    method_name,
    normalise_country,
    normalise_currency,
    parse_catalog,
)
from castcart.payment_methods.gateways import (
    SANDBOX_CAPABILITIES,
    DeclaredCapabilities,
    GatewayCapabilities,
)
from castcart.payment_methods.values import (
    AmountLimit,
    Confirmation,
    MethodKind,
    PaymentMethod,
    PaymentMethodError,
)

__all__ = [
    "SANDBOX_CAPABILITIES",
    "AmountLimit",
    "Catalog",
    "Confirmation",
    "DeclaredCapabilities",
    "GatewayCapabilities",
    "MethodKind",
    "PaymentMethod",
    "PaymentMethodError",
    "Source",
    "available_methods",
    "default_catalog",
    "load_catalog",
    "method_name",
    "normalise_country",
    "normalise_currency",
    "parse_catalog",
]
