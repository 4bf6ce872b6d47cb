"""Who may take part in polls, giveaways and quizzes.

Shopper tokens are already scoped to one store (``web/deps.get_shopper``), so "a shopper of
this store" is settled before the service runs. A viewer banned by moderation (``mod.ban``,
store-wide until lifted) is refused: 403 ``banned``. Other rules (e.g. one entry per
household, an age gate) plug in with ``register_ban_check``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session

from castcart.moderation.service import restrictions

# (session, store_id, show_id, shopper_id) -> refused?
BanCheck = Callable[[Session, str, str, str], bool]

_checks: list[BanCheck] = []
_lock = threading.Lock()


def register_ban_check(check: BanCheck) -> Callable[[], None]:
    """Add a check; returns a function that removes it again."""
    with _lock:
        _checks.append(check)

    def remove() -> None:
        with _lock:
            if check in _checks:
                _checks.remove(check)

    return remove


def is_banned(session: Session, store_id: str, show_id: str, shopper_id: str) -> bool:
    if restrictions(session, store_id, show_id, shopper_id).banned:
        return True
    with _lock:
        checks = list(_checks)
    return any(check(session, store_id, show_id, shopper_id) for check in checks)
