"""What `payment_methods` contributes to the app: pure logic; no routes or tables."""

from castcart.core.modules import DomainModule

MODULE = DomainModule("payment_methods")
