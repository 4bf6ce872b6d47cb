"""Privacy rights: consent records, data-subject export and erasure, guest retention."""
