"""Every domain's tables on ``Base.metadata`` (Alembic's target), from the module registry."""

from castcart.core.db import Base
from castcart.modules import import_all_models

import_all_models()

__all__ = ["Base"]
