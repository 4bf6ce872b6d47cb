"""The one tenancy lookup: a row of the caller's store, or the domain's 404.

A row of another store answers exactly like a missing one (never 403, which would confirm
that the id exists). Every table with tenant data carries ``store_id``; domains wrap this in
their ``get_*`` functions so the error code stays theirs (``product_not_found``, ...).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from castcart.core.errors import NotFoundError

T = TypeVar("T")


def get_owned(
    session: Session, model: type[T], row_id: str, store_id: str, *, message: str, code: str
) -> T:
    """``model`` row ``row_id`` when it belongs to ``store_id``; else ``NotFoundError``."""
    row = session.get(model, row_id)
    if row is None or getattr(row, "store_id", None) != store_id:
        raise NotFoundError(message, code=code)
    return row
