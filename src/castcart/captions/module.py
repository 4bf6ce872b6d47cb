"""What `captions` contributes to the app: Live captions: the worker (ASR + translation) and
its signed intake.
"""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "captions",
    routers=("castcart.captions.api:router",),
    commands=(("worker", "castcart.captions.cli:app"),),
)
