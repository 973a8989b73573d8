"""Base58-btc multibase and Ed25519 multikeys, as did:key and Data Integrity proofs write them.

- base58-btc: the Bitcoin alphabet below; the bytes are read as one big-endian integer written in
  base 58, and every leading zero byte is written as one leading '1'.
- multibase: a base58-btc string prefixed with 'z'.
- Ed25519 multikey (W3C Controlled Identifiers, section Multikey): multibase of the multicodec
  varint 0xed 0x01 (ed25519-pub) followed by the 32-byte public key, so it starts with "z6Mk".
  A secret key uses the multicodec 0x1300 (varint 0x80 0x26) and the 32-byte seed ("z3u2").
- did:key: "did:key:" + the public multikey; its verification method is "<did>#<multikey>".
"""

from functools import lru_cache

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
DID_KEY = "did:key:"


def b58encode(data: bytes) -> str:
    """base58-btc text of `data`."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """The bytes of base58-btc `text`; raises ValueError for a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"not a base58-btc character: {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    """'z' + base58-btc of `data`."""
    return "z" + b58encode(data)


def multibase_decode(text: str) -> bytes:
    """The bytes of a base58-btc multibase string; raises ValueError for any other."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("expected a base58-btc multibase value (starting with 'z')")
    return b58decode(text[1:])


def _multikey_bytes(text: str, prefix: bytes, what: str) -> bytes:
    raw = multibase_decode(text)
    if not raw.startswith(prefix) or len(raw) != len(prefix) + 32:
        raise ValueError(f"not an Ed25519 {what} multikey")
    return raw[len(prefix):]


@lru_cache(maxsize=64)  # a signer derives its own key id at every signature
def public_multikey(raw_public_key: bytes) -> str:
    """The multikey ("z6Mk...") of a 32-byte Ed25519 public key."""
    return multibase_encode(ED25519_PUB + raw_public_key)


def public_key_bytes(multikey: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public multikey; raises ValueError for anything else."""
    return _multikey_bytes(multikey, ED25519_PUB, "public")


def secret_key_bytes(multikey: str) -> bytes:
    """The 32-byte seed of an Ed25519 secret multikey ("z3u2..."); raises ValueError."""
    return _multikey_bytes(multikey, ED25519_PRIV, "secret")


def did_key(multikey: str) -> str:
    """The did:key DID of a public multikey."""
    return DID_KEY + multikey


def verification_method(multikey: str) -> str:
    """The did:key verification method id of a public multikey: "<did>#<multikey>"."""
    return f"{did_key(multikey)}#{multikey}"


def multikey_of_did(did: str) -> str:
    """The multikey inside an Ed25519 did:key (with or without a fragment); raises ValueError."""
    if not isinstance(did, str) or not did.startswith(DID_KEY):
        raise ValueError("not a did:key")
    multikey, _, fragment = did[len(DID_KEY):].partition("#")
    if fragment and fragment != multikey:
        raise ValueError("a did:key fragment must repeat its key")
    public_key_bytes(multikey)
    return multikey
