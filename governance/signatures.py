"""Ed25519 signatures over canonical JSON: the signed envelope of receipts, and key ids.

A signed envelope is the JSON object
    {"body": <any JSON object>, "alg": "Ed25519", "key_id": <multikey>, "signature": <text>}
where `signature` is the 64-byte Ed25519 signature (RFC 8032, pure Ed25519) of
`canonical_json(body)` (RFC 8785), written in unpadded base64url (RFC 4648 section 5).

The key id of a public key is its Ed25519 multikey ("z6Mk...", governance.multibase): derived
from the key alone, the same string the service's did:key carries, and enough to rebuild the
public key. A verifier that pins the service's keys compares key ids; one that does not can still
check that the envelope is intact under the key it names.
Loading keys from the environment or disk is infra.signing's business, not this module's.
"""

import base64
import binascii
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from governance.canonical import canonical_json
from governance.multibase import public_key_bytes, public_multikey

ALGORITHM = "Ed25519"
_PUBLIC_PEM = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)


class SignatureInvalid(ValueError):
    """A signed envelope that does not verify; the message says why."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key id (the Ed25519 multikey) of `public_key`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return public_multikey(raw)


def public_key_from_id(kid: str) -> Ed25519PublicKey:
    """The public key a key id names; raises ValueError for a malformed id."""
    return Ed25519PublicKey.from_public_bytes(public_key_bytes(kid))


def private_key_from_pem(pem: str | bytes) -> Ed25519PrivateKey:
    """An unencrypted PKCS#8 PEM Ed25519 private key; raises ValueError for anything else."""
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key must be an Ed25519 private key")
    return key


def public_key_from_pem(pem: str | bytes) -> Ed25519PublicKey:
    """A SubjectPublicKeyInfo PEM Ed25519 public key; raises ValueError for anything else."""
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_keys_from_pem_text(text: str) -> list[Ed25519PublicKey]:
    """Every PEM public key block in `text`, in order; raises ValueError for a non-Ed25519 one."""
    return [public_key_from_pem(block) for block in _PUBLIC_PEM.findall(text)]


def private_key_pem(private_key: Ed25519PrivateKey) -> str:
    """PKCS#8 PEM text of `private_key`, unencrypted."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """SubjectPublicKeyInfo PEM text of `public_key`."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Strict unpadded base64url: raises ValueError for other characters or a non-canonical form."""
    if not isinstance(text, str):
        raise ValueError("expected base64url text")
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if b64url_encode(data) != text:
        raise ValueError("not canonical unpadded base64url")
    return data


def sign_envelope(private_key: Ed25519PrivateKey, body: Mapping) -> dict:
    """Sign `body` (a JSON object) and return its signed envelope."""
    signature = private_key.sign(canonical_json(body))
    return {
        "body": body,
        "alg": ALGORITHM,
        "key_id": key_id(private_key.public_key()),
        "signature": b64url_encode(signature),
    }


def verify_envelope(envelope: Mapping) -> str:
    """Check a signed envelope under the key its `key_id` names and return that key id.

    Raises SignatureInvalid (saying why) for a malformed envelope or a signature that does not
    verify. Whether the key is one of the service's is the caller's decision.
    """
    if not isinstance(envelope, Mapping) or not isinstance(envelope.get("body"), Mapping):
        raise SignatureInvalid("not a signed envelope (no body object)")
    if envelope.get("alg") != ALGORITHM:
        raise SignatureInvalid(f"unknown signature algorithm {envelope.get('alg')!r}")
    kid = envelope.get("key_id")
    try:
        public_key = public_key_from_id(kid)
        signature = b64url_decode(envelope.get("signature"))
    except ValueError as error:
        raise SignatureInvalid(f"malformed key id or signature: {error}") from None
    try:
        public_key.verify(signature, canonical_json(envelope["body"]))
    except InvalidSignature:
        raise SignatureInvalid(f"signature does not verify under key {kid}") from None
    return kid
