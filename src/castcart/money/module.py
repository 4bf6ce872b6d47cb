"""What `money` contributes to the app: pure logic other domains call and the FX CLI."""

from castcart.core.modules import DomainModule

MODULE = DomainModule("money", commands=(("fx", "castcart.money.cli:app"),))
