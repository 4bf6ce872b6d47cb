"""What `money` contributes to the app: pure logic other domains call; no routes or tables."""

from castcart.core.modules import DomainModule

MODULE = DomainModule("money")
