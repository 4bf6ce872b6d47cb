"""Imports every domain's models so that ``Base.metadata`` knows all tables (Alembic)."""

from castcart.accounts import models as accounts_models
from castcart.audit import models as audit_models  # noqa: F401
from castcart.catalog import models as catalog_models
from castcart.commerce import models as commerce_models
from castcart.core.db import Base
from castcart.engagement import models as engagement_models  # noqa: F401
from castcart.events import outbox as events_outbox  # noqa: F401
from castcart.fulfillment import tables as fulfillment_tables  # noqa: F401
from castcart.lingua import models as lingua_models  # noqa: F401
from castcart.media import models as media_models  # noqa: F401
from castcart.moderation import models as moderation_models  # noqa: F401
from castcart.privacy import models as privacy_models  # noqa: F401
from castcart.shows import models as shows_models

__all__ = ["Base", "accounts_models", "catalog_models", "commerce_models", "shows_models"]
