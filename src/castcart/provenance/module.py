"""What `provenance` contributes to the app: nothing wired yet (the Merkle log and its
checkpoints are pure logic so far; the event tables, API and verify page come next)."""

from castcart.core.modules import DomainModule

MODULE = DomainModule("provenance")
