"""The Merkle log against RFC 9162's definitions: published vectors, an independent
bottom-up construction, every proof of small trees round-tripped, and malformed proofs
(wrong sizes, truncated or padded paths, flipped bits, an older tree larger than the newer)
all rejected."""

from __future__ import annotations

import hashlib
import random

import pytest

from castcart.provenance.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

# The eight leaves of certificate-transparency's reference tests and the tree heads of each
# prefix, as published with the CT/Trillian test data (computed there, not here).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _bottom_up_root(hashes: list[bytes]) -> bytes:
    """An independent construction: pair neighbours level by level, carrying an unpaired
    last node up unchanged (equivalent to RFC 9162's largest-power-of-two split)."""
    if not hashes:
        return hashlib.sha256(b"").digest()
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


def _tree(n: int) -> MerkleTree:
    return MerkleTree([leaf_hash(i.to_bytes(4, "big")) for i in range(n)])


def test_tree_heads_match_the_published_vectors() -> None:
    tree = MerkleTree()
    assert tree.root() == EMPTY_ROOT == hashlib.sha256(b"").digest()
    for n, data in enumerate(CT_LEAVES, 1):
        tree.append(data)
        assert tree.root().hex() == CT_ROOTS[n - 1]
    # earlier sizes stay answerable after growth (the log serves old checkpoints)
    assert [tree.root(n).hex() for n in range(1, 9)] == CT_ROOTS


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    tree = MerkleTree()
    tree.append(b"a")
    tree.append(b"b")
    assert tree.root() == hashlib.sha256(b"\x01" + leaf_hash(b"a") + leaf_hash(b"b")).digest()


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 9, 31, 64, 100, 257])
def test_root_agrees_with_an_independent_construction(n: int) -> None:
    tree = _tree(n)
    hashes = [tree.leaf(i) for i in range(n)]
    for size in {1, n // 2 or 1, n - 1 or 1, n}:
        assert tree.root(size) == _bottom_up_root(hashes[:size])


def test_every_inclusion_and_consistency_proof_of_small_trees_verifies() -> None:
    for n in range(1, 34):
        tree = _tree(n)
        root = tree.root()
        for i in range(n):
            verify_inclusion(i, n, tree.leaf(i), tree.inclusion_proof(i), root)
        for m in range(1, n + 1):
            verify_consistency(m, n, tree.root(m), root, tree.consistency_proof(m, n))


def test_known_proof_shapes() -> None:
    # RFC 9162 2.1.5's example tree of 7 leaves: PATH(3) = [c, g, l] has three hashes;
    # PROOF(3, 7) = [c, d, g, l] four, PROOF(4, 7) = [l] one, PROOF(6, 7) = [i, j, k] three.
    tree = _tree(7)
    assert len(tree.inclusion_proof(3)) == 3
    assert len(tree.consistency_proof(3, 7)) == 4
    assert tree.consistency_proof(4, 7) == [tree.root(7) and _subtree(tree, 4, 7)]
    assert len(tree.consistency_proof(6, 7)) == 3


def _subtree(tree: MerkleTree, start: int, end: int) -> bytes:
    return _bottom_up_root([tree.leaf(i) for i in range(start, end)])


def _shape(index: int, size: int) -> list[bool]:
    """Which side each path element joins on, leaf first (True: from the left)."""
    sides: list[bool] = []
    start, end = 0, size
    while end - start > 1:
        k = 1 << ((end - start - 1).bit_length() - 1)
        if index < start + k:
            sides.append(False)
            end = start + k
        else:
            sides.append(True)
            start += k
    return sides[::-1]


def _flip(h: bytes, bit: int) -> bytes:
    b = bytearray(h)
    b[bit // 8] ^= 1 << (bit % 8)
    return bytes(b)


def test_malformed_inclusion_proofs_are_rejected() -> None:
    tree = _tree(13)
    root = tree.root()
    index = 6
    proof = tree.inclusion_proof(index)
    leaf = tree.leaf(index)
    bad = [
        (index, 13, leaf, proof[:-1], root),  # truncated
        (index, 13, leaf, [*proof, proof[0]], root),  # padded
        (index, 7, leaf, proof, root),  # wrong sizes (ones that change the path's shape:
        (index, 17, leaf, proof, root),  # see the size note below)
        (index + 1, 13, leaf, proof, root),  # wrong index
        (13, 13, leaf, proof, root),  # index outside the tree
        (-1, 13, leaf, proof, root),
        (index, 13, _flip(leaf, 3), proof, root),  # altered leaf
        (index, 13, leaf, [_flip(proof[0], 0), *proof[1:]], root),
        (index, 13, leaf, proof, _flip(root, 255)),
        (index, 13, leaf, [p[:31] for p in proof], root),  # short hashes
        (index, 13, leaf, list(reversed(proof)), root),
        (0, 0, leaf, [], root),  # empty tree
    ]
    for args in bad:
        with pytest.raises(ProofError):
            verify_inclusion(*args)


def test_malformed_consistency_proofs_are_rejected() -> None:
    tree = _tree(20)
    r7, r20 = tree.root(7), tree.root(20)
    proof = tree.consistency_proof(7, 20)
    bad = [
        (20, 7, r20, r7, proof),  # the older tree larger than the newer
        (7, 20, r7, r20, proof[:-1]),
        (7, 20, r7, r20, [*proof, proof[-1]]),
        (7, 20, r7, r20, []),
        (8, 20, r7, r20, proof),
        (7, 8, r7, r20, proof),
        (7, 40, r7, r20, proof),
        (7, 20, _flip(r7, 9), r20, proof),
        (7, 20, r7, _flip(r20, 9), proof),
        (7, 20, r7, r20, [_flip(proof[1], 100), *proof[2:]]),
        (7, 7, r7, r20, []),  # equal sizes, different heads
        (7, 7, r7, r7, proof),  # equal sizes take no proof
        (0, 20, EMPTY_ROOT, r20, proof),  # an empty tree takes none
        (-1, 20, r7, r20, proof),
        (7, 20, r7, r20, [b"x" * 33, *proof[1:]]),
    ]
    for args in bad:
        with pytest.raises(ProofError):
            verify_consistency(*args)


def test_fuzzed_proofs_are_never_accepted_when_wrong() -> None:
    """Random mutations of valid proofs are all rejected.

    Size note: RFC 9162's verifier reads the tree size only through the path's shape, so a
    size whose path for the index has the same shape (index 0 in trees of 5 to 8 leaves, say)
    is not caught by the proof alone; the size is authenticated by the signed checkpoint,
    which binds it to the root. Size mutations here are the ones that change the shape."""
    rng = random.Random(6962)
    tree = _tree(200)
    tried = 0
    for _ in range(400):
        n = rng.randint(2, 97)
        i = rng.randrange(n)
        proof = tree.inclusion_proof(i, n)
        mutated = list(proof)
        choice = rng.randrange(4)
        if choice == 0 and mutated:
            j = rng.randrange(len(mutated))
            mutated[j] = _flip(mutated[j], rng.randrange(256))
        elif choice == 1:
            mutated.insert(rng.randrange(len(mutated) + 1), rng.randbytes(32))
        elif choice == 2 and mutated:
            del mutated[rng.randrange(len(mutated))]
        else:
            n2 = rng.choice([n - 1, n + 1, 2 * n])
            if n2 <= i or _shape(i, n2) == _shape(i, n):
                continue
            tried += 1
            with pytest.raises(ProofError):
                verify_inclusion(i, n2, tree.leaf(i), proof, tree.root(n))
            continue
        tried += 1
        with pytest.raises(ProofError):
            verify_inclusion(i, n, tree.leaf(i), mutated, tree.root(n))
    assert tried >= 250


def test_proof_requests_outside_the_tree_are_refused() -> None:
    tree = _tree(4)
    for call in (
        lambda: tree.inclusion_proof(4),
        lambda: tree.inclusion_proof(0, 5),
        lambda: tree.consistency_proof(0, 4),
        lambda: tree.consistency_proof(3, 5),
        lambda: tree.root(5),
    ):
        with pytest.raises(ValueError, match="tree|proof|leaf"):
            call()
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append_hash(b"short")
