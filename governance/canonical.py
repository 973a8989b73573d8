"""Canonical JSON (RFC 8785, JCS) and SHA-256: the byte strings every hash and signature covers.

Everything the engine hashes or signs is first turned into bytes by `canonical_json`, so that a
verifier in any language that implements JCS gets the same bytes from the same JSON value. Values
must be JSON-native (dict with str keys, list, str, int, float, bool, None): decimals travel as
strings (SPEC 8.4) and are never floats here.
"""

import hashlib

import rfc8785


def canonical_json(value) -> bytes:
    """The RFC 8785 canonical UTF-8 serialization of a JSON value.

    Raises rfc8785.CanonicalizationError (a ValueError) for what JCS cannot represent: non-str
    keys, NaN, integers beyond the IEEE-754 safe range, non-JSON types such as Decimal.
    """
    return rfc8785.dumps(value)


def sha256(data: bytes) -> bytes:
    """The 32-byte SHA-256 digest of `data`."""
    return hashlib.sha256(data).digest()


def hex_to_digest(text: str, what: str = "hash") -> bytes:
    """Parse a 64-character lowercase hex SHA-256 digest; raises ValueError naming `what`."""
    if not isinstance(text, str) or len(text) != 64 or text != text.lower():
        raise ValueError(f"{what} must be 64 lowercase hex characters")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError(f"{what} must be 64 lowercase hex characters") from None
