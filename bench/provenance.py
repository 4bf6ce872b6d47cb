"""Provenance log speed: leaf appends per second and proof latency (inclusion proof built
and verified against the head) on a growing log, beside a naive reference that rebuilds the
tree head from all leaves for every proof, measured in the same run.

    .venv/bin/python bench/provenance.py [--leaves 100000] [--proofs 2000]

Ends with ``RESULT provenance appends_per_s=N proof_p95_ms=N bad_proofs_tried=N
bad_proofs_accepted=N`` (append through the in-memory tree; the database write of the event
is not in this figure yet)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from castcart.provenance.merkle import MerkleTree, ProofError, verify_inclusion


def _naive_root(hashes: list[bytes]) -> bytes:
    import hashlib

    level = hashes
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, default=100_000)
    parser.add_argument("--proofs", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(17)
    print(f"load average before: {os.getloadavg()}")

    tree = MerkleTree()
    events = [b'{"type":"ObjectEvent","n":%d}' % i for i in range(args.leaves)]
    t0 = time.perf_counter()
    for e in events:
        tree.append(e)
    appends_per_s = args.leaves / (time.perf_counter() - t0)

    root = tree.root()  # the first head computes and memoises the complete subtrees
    latencies = []
    for _ in range(args.proofs):
        i = rng.randrange(len(tree))
        t = time.perf_counter()
        verify_inclusion(i, len(tree), tree.leaf(i), tree.inclusion_proof(i), root)
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]

    hashes = [tree.leaf(i) for i in range(len(tree))]
    naive = []
    for _ in range(5):
        t = time.perf_counter()
        _naive_root(hashes)
        naive.append((time.perf_counter() - t) * 1000)

    tried = accepted = 0
    for _ in range(1_000):
        i = rng.randrange(len(tree))
        proof = tree.inclusion_proof(i)
        j = rng.randrange(len(proof))
        proof[j] = bytes(b ^ 0xFF for b in proof[j][:1]) + proof[j][1:]
        tried += 1
        try:
            verify_inclusion(i, len(tree), tree.leaf(i), proof, root)
            accepted += 1
        except ProofError:
            pass

    print(f"leaves={len(tree)} appends_per_s={appends_per_s:,.0f}")
    print(f"inclusion proof build+verify p50={p50:.3f} ms p95={p95:.3f} ms")
    print(
        "naive reference: full tree head recomputed per proof, median "
        f"{statistics.median(naive):.1f} ms"
    )
    print(f"load average after: {os.getloadavg()}")
    print(
        f"RESULT provenance appends_per_s={appends_per_s:.0f} proof_p95_ms={p95:.3f} "
        f"bad_proofs_tried={tried} bad_proofs_accepted={accepted}"
    )


if __name__ == "__main__":
    main()
