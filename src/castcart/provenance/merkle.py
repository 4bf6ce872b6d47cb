"""An append-only Merkle tree as RFC 9162 (Certificate Transparency 2.0, section 2.1) defines
it: leaf and node hashes with domain separation, the tree head, audit (inclusion) paths and
consistency proofs, and the verifiers a client runs. Pure logic, no storage.

The tree is built over leaf *hashes* (``leaf_hash(data)``), kept in order; the hash of every
complete, aligned subtree (size a power of two, starting at a multiple of it) is memoised, so
the head and each proof cost O(log² n) hash reads after the first computation, and appending
a leaf invalidates nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or whose shape is impossible for its sizes."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2): RFC 9162's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """Leaf hashes in append order, with memoised complete-subtree hashes."""

    def __init__(self, leaf_hashes: Sequence[bytes] = ()) -> None:
        self._leaves: list[bytes] = []
        self._memo: dict[tuple[int, int], bytes] = {}
        for h in leaf_hashes:
            self.append_hash(h)

    def __len__(self) -> int:
        return len(self._leaves)

    def append(self, data: bytes) -> int:
        """Add a leaf for ``data``; returns its index."""
        return self.append_hash(leaf_hash(data))

    def append_hash(self, hashed_leaf: bytes) -> int:
        if len(hashed_leaf) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        self._leaves.append(hashed_leaf)
        return len(self._leaves) - 1

    def leaf(self, index: int) -> bytes:
        return self._leaves[index]

    def _hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for end - start ≥ 1."""
        n = end - start
        if n == 1:
            return self._leaves[start]
        complete = n & (n - 1) == 0
        if complete:
            cached = self._memo.get((start, n))
            if cached is not None:
                return cached
        k = _split(n)
        value = node_hash(self._hash(start, start + k), self._hash(start + k, end))
        if complete:
            self._memo[(start, n)] = value
        return value

    def root(self, size: int | None = None) -> bytes:
        """The tree head of the first ``size`` leaves (all of them by default)."""
        size = len(self._leaves) if size is None else size
        if not 0 <= size <= len(self._leaves):
            raise ValueError(f"tree size {size} outside 0..{len(self._leaves)}")
        return EMPTY_ROOT if size == 0 else self._hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 2.1.3.1, leaf-side first."""
        size = len(self._leaves) if size is None else size
        if not 0 <= index < size <= len(self._leaves):
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self._hash(start + k, end))
                end = start + k
            else:
                path.append(self._hash(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """PROOF(first, D[0:second]) of RFC 9162 2.1.4.1."""
        second = len(self._leaves) if second is None else second
        if not 0 < first <= second <= len(self._leaves):
            raise ValueError(f"no consistency proof from {first} to {second}")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, complete_so_far: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete_so_far else [self._hash(start, end)]
        k = _split(n)
        if m <= k:
            return [
                *self._subproof(m, start, start + k, complete_so_far),
                self._hash(start + k, end),
            ]
        return [*self._subproof(m - k, start + k, end, False), self._hash(start, start + k)]


def _check_hashes(proof: Sequence[bytes]) -> None:
    if any(not isinstance(h, bytes) or len(h) != HASH_SIZE for h in proof):
        raise ProofError("every proof element is a 32-byte hash")


def verify_inclusion(
    index: int, size: int, hashed_leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 2.1.3.2; raises `ProofError` unless ``proof`` puts the leaf in ``root``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size}")
    _check_hashes([hashed_leaf, root, *proof])
    fn, sn = index, size - 1
    r = hashed_leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the tree allows")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree needs")
    if r != root:
        raise ProofError("the proof does not lead to the tree head")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 2.1.4.2; raises `ProofError` unless the tree of ``second`` leaves extends the
    tree of ``first`` leaves (same prefix, append only)."""
    if first < 0 or second < 0:
        raise ProofError("tree sizes are not negative")
    if first > second:
        raise ProofError("the older tree cannot be larger than the newer")
    _check_hashes([first_root, second_root, *proof])
    if first == second:
        if proof:
            raise ProofError("equal trees take an empty proof")
        if first_root != second_root:
            raise ProofError("equal sizes with different heads")
        return
    if first == 0:
        if proof:
            raise ProofError("an empty tree's proof is empty")
        return
    if not proof:
        raise ProofError("the proof is empty")
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old head is the first node
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the trees allow")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the trees need")
    if fr != first_root:
        raise ProofError("the proof does not lead to the older head")
    if sr != second_root:
        raise ProofError("the proof does not lead to the newer head")
