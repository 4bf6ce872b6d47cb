"""Verifiable provenance (issue 17): an append-only Merkle log in the RFC 9162 shape whose
signed checkpoints (C2SP signed notes, Ed25519) let a shopper check, without trusting the
server, that an item's journey events are in the log and that the log only grows.

So far the pure parts: `merkle` (tree head, inclusion and consistency proofs and their
verifiers) and `checkpoint` (signing and opening checkpoints). The event records (EPCIS),
their tables and the verify page build on them."""
