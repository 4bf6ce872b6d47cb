"""What `moderation` contributes to the app: Chat moderation: delete, mute, ban, slow mode,
word filters.
"""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "moderation",
    models=("castcart.moderation.models",),
    routers=("castcart.moderation.api:router",),
)
