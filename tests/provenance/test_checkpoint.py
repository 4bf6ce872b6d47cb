"""Signed checkpoints in the C2SP formats: round trip, the key id as signed-note defines it,
and every tampering (size, root, origin, signature, key) refused."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from castcart.provenance.checkpoint import (
    Checkpoint,
    CheckpointError,
    NoteSigner,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
)
from castcart.provenance.merkle import MerkleTree

ORIGIN = "castcart.example/demo-store"


@pytest.fixture
def signer() -> NoteSigner:
    return NoteSigner.from_secret(ORIGIN, "a test secret")


def _note(signer: NoteSigner, size: int = 3) -> tuple[str, Checkpoint]:
    tree = MerkleTree()
    for i in range(size):
        tree.append(b"event %d" % i)
    cp = Checkpoint(ORIGIN, size, tree.root())
    return signer.sign(cp.body()), cp


def test_a_signed_checkpoint_opens_with_its_verifier_key(signer: NoteSigner) -> None:
    note, cp = _note(signer)
    lines = note.split("\n")
    assert lines[:3] == [ORIGIN, "3", base64.b64encode(cp.root).decode()]
    assert lines[3] == ""
    assert lines[4].startswith(f"\u2014 {ORIGIN} ")
    assert parse_checkpoint(open_note(note, signer.verifier_key())) == cp


def test_the_key_id_and_signature_follow_signed_note(signer: NoteSigner) -> None:
    name, key_id, raw = parse_verifier_key(signer.verifier_key())
    assert name == ORIGIN
    assert key_id == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + raw).digest()[:4]
    note, cp = _note(signer)
    blob = base64.b64decode(note.rstrip("\n").split(" ")[-1])
    assert blob[:4] == key_id
    # an independent check with the bare public key: the signature covers the body only
    Ed25519PublicKey.from_public_bytes(raw).verify(blob[4:], cp.body().encode())


def test_the_same_secret_gives_the_same_key_and_another_a_different_one() -> None:
    a = NoteSigner.from_secret(ORIGIN, "s1")
    assert a.verifier_key() == NoteSigner.from_secret(ORIGIN, "s1").verifier_key()
    assert a.verifier_key() != NoteSigner.from_secret(ORIGIN, "s2").verifier_key()


def test_tampered_notes_are_refused(signer: NoteSigner) -> None:
    note, cp = _note(signer)
    vkey = signer.verifier_key()
    other = NoteSigner.from_secret(ORIGIN, "another secret")
    root_b64 = base64.b64encode(cp.root).decode()
    tampered = [
        note.replace("\n3\n", "\n4\n", 1),  # size
        note.replace(root_b64, base64.b64encode(bytes(32)).decode()),  # root
        note.replace(ORIGIN + "\n", ORIGIN + "x\n", 1),  # origin
        note[:-6] + ("A" if note[-6] != "A" else "B") + note[-5:],  # signature bytes
        note.replace("\n\n", "\n"),  # no blank line
        note + "extra\n",  # a junk signature line
        note.split("\n\n")[0] + "\n\n",  # no signature
        other.sign(cp.body()),  # signed by another key of the same name
    ]
    for bad in tampered:
        with pytest.raises(CheckpointError):
            parse_checkpoint(open_note(bad, vkey))


def test_malformed_keys_and_checkpoints_are_refused(signer: NoteSigner) -> None:
    vkey = signer.verifier_key()
    name, key_hex, b64 = vkey.split("+", 2)
    for bad in (
        "",
        "nokey",
        f"{name}+{key_hex}",
        f"{name}+00000000+{b64}",
        f"{name}+{key_hex}+AAAA",
    ):
        with pytest.raises(CheckpointError):
            parse_verifier_key(bad)
    for text in (
        "",
        "origin\n",
        "origin\n3\n",
        "origin\n03\nAAAA\n",
        "origin\nx\nAAAA\n",
        "origin\n3\nnot base64!\n",
        f"origin\n3\n{base64.b64encode(b'short').decode()}\n",
    ):
        with pytest.raises(CheckpointError):
            parse_checkpoint(text)
    with pytest.raises(CheckpointError):
        NoteSigner.from_secret("bad name", "s")
    with pytest.raises(CheckpointError):
        signer.sign("no newline")
