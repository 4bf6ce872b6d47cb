"""What `assistant` contributes to the app: product Q&A grounded in the store's data (chat,
the product card's Ask box, the host's question queue) and the merchant's FAQ."""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "assistant",
    models=("castcart.assistant.models",),
    routers=("castcart.assistant.api:router", "castcart.assistant.api:shop_router"),
    install=("castcart.assistant.api:install",),
    subscribes=("castcart.assistant.api:KNOWLEDGE_EVENTS",),
)
