"""The machine-readable codes of `provenance`'s errors (the ``code`` of the JSON error body):
one list, so a client can rely on them and a typo cannot invent a new one."""

from enum import StrEnum


class ProvenanceErrorCode(StrEnum):
    BAD_PROOF_REQUEST = "bad_proof_request"
    INVALID_EVENT = "invalid_event"
    LOG_CONFLICT = "log_conflict"
