"""Imports every domain's models so that ``Base.metadata`` knows all tables (Alembic)."""

from castcart.accounts import models as accounts_models
from castcart.audit import models as audit_models  # noqa: F401
from castcart.catalog import models as catalog_models
from castcart.commerce import models as commerce_models
from castcart.core.db import Base
from castcart.privacy import models as privacy_models  # noqa: F401
from castcart.shows import models as shows_models

__all__ = ["Base", "accounts_models", "catalog_models", "commerce_models", "shows_models"]
