"""Chat moderation: word filters, mutes, bans, flood protection and the append-only log of
moderation actions. The real-time hub enforces; this package decides and remembers."""

from castcart.moderation.filters import FilterHit, WordFilterSet, fold
from castcart.moderation.flood import FloodGuard, FloodLimits

__all__ = ["FilterHit", "FloodGuard", "FloodLimits", "WordFilterSet", "fold"]
