"""What `compliance` contributes to the app: Claim and fact checks per market; cultural
scheduling.
"""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "compliance",
    routers=("castcart.compliance.scheduling_api:router",),
    commands=(("compliance", "castcart.compliance.cli:app"),),
)
