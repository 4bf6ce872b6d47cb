"""The show audit log: an append-only, hash-chained record of what each show displayed (pins,
prices, flash sales, state) and what its host said (host chat, captions), plus moderation
actions and compliance alerts, kept per the store's retention policy."""

from castcart.audit.chain import GENESIS_HASH, VerifyResult, entry_hash, verify_chain
from castcart.audit.recorder import AuditRecorder, describe_event

__all__ = [
    "GENESIS_HASH",
    "AuditRecorder",
    "VerifyResult",
    "describe_event",
    "entry_hash",
    "verify_chain",
]
