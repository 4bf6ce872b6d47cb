"""Signed tree heads in the C2SP formats: the checkpoint body (``tlog-checkpoint``: origin,
tree size, base64 root hash) wrapped in a signed note (``signed-note``: the text, a blank
line, one ``— <name> <base64(key id ‖ signature)>`` line per signer), signed with Ed25519.

The verifier key is the note's standard encoding ``<name>+<hex key id>+<base64(0x01 ‖ key)>``,
so any C2SP-aware client (and the verify page's script) can check a checkpoint offline.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ED25519 = b"\x01"  # the signed-note signature type of Ed25519
DASH = "\u2014"  # the em dash that opens each signature line


class CheckpointError(ValueError):
    """A checkpoint or note that is malformed or whose signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def _key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class NoteSigner:
    name: str
    key: Ed25519PrivateKey

    @classmethod
    def from_secret(cls, name: str, secret: str) -> NoteSigner:
        """A key derived from the installation's secret (HKDF-SHA256, its own label), so
        every node signs with the same key and nothing secret is stored beside the log."""
        _check_name(name)
        seed = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"castcart provenance log"
        ).derive(secret.encode())
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public(self) -> bytes:
        return _raw(self.key.public_key())

    def verifier_key(self) -> str:
        pub = self.public
        encoded = base64.b64encode(ED25519 + pub).decode()
        return f"{self.name}+{_key_id(self.name, pub).hex()}+{encoded}"

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which must end in a newline)."""
        if not text.endswith("\n") or "\n\n" in text:
            raise CheckpointError("a note's text ends in a newline and has no blank line")
        signature = self.key.sign(text.encode())
        blob = base64.b64encode(_key_id(self.name, self.public) + signature).decode()
        return f"{text}\n{DASH} {self.name} {blob}\n"


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError("a key name has no spaces and no '+'")


def parse_verifier_key(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key id, raw Ed25519 public key) of an encoded verifier key."""
    try:
        name, key_id_hex, b64 = vkey.split("+", 2)
        key_id = bytes.fromhex(key_id_hex)
        raw = base64.b64decode(b64, validate=True)
    except (ValueError, TypeError) as exc:
        raise CheckpointError("malformed verifier key") from exc
    if len(key_id) != 4 or len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError("not an Ed25519 verifier key")
    if _key_id(name, raw[1:]) != key_id:
        raise CheckpointError("the verifier key's id does not match its key")
    return name, key_id, raw[1:]


def open_note(note: str, vkey: str) -> str:
    """The text of ``note`` if the key ``vkey`` signed it; raises `CheckpointError` otherwise."""
    name, key_id, raw = parse_verifier_key(vkey)
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise CheckpointError("a signed note is text, a blank line and signature lines")
    text += "\n"
    public = Ed25519PublicKey.from_public_bytes(raw)
    parsed: list[tuple[str, bytes]] = []
    for line in signatures[:-1].split("\n"):  # every line well formed, or the note is bad
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or not parts[1]:
            raise CheckpointError(f"malformed signature line {line!r}")
        try:
            parsed.append((parts[1], base64.b64decode(parts[2], validate=True)))
        except ValueError as exc:
            raise CheckpointError("a signature is not base64") from exc
    for signer_name, blob in parsed:
        if signer_name != name or blob[:4] != key_id or len(blob) != 68:
            continue
        try:
            public.verify(blob[4:], text.encode())
        except InvalidSignature as exc:
            raise CheckpointError("the signature does not verify") from exc
        return text
    raise CheckpointError(f"no signature by {name!r}")


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_b64 = lines[0], lines[1], lines[2]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise CheckpointError("malformed checkpoint origin or size")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except ValueError as exc:
        raise CheckpointError("the root hash is not base64") from exc
    if len(root) != 32:
        raise CheckpointError("the root hash is 32 bytes")
    return Checkpoint(origin, int(size_text), root)
