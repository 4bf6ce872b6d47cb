"""What `demo` contributes to the app: The seeded demo store (drawn product pictures are served
from here).
"""

from castcart.core.modules import DomainModule

MODULE = DomainModule(
    "demo",
    routers=("castcart.demo.assets:router",),
)
