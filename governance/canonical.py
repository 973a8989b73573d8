"""Canonical JSON (RFC 8785, JCS) and SHA-256: the byte strings every hash and signature covers.

Everything the engine hashes or signs is first turned into bytes by `canonical_json`, so that a
verifier in any language that implements JCS gets the same bytes from the same JSON value. Values
must be JSON-native (dict with str keys, list, str, int, float, bool, None): decimals travel as
strings (SPEC 8.4) and are never floats here.

The fast path (issue 14). For the values the engine itself produces - dicts with str keys, lists,
str, int within the IEEE-754 safe range, bool and None, no float - the C encoder's
`json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` writes exactly the RFC
8785 bytes:
- strings: both escape exactly `"`, `\\` and U+0000-U+001F (as \\b \\t \\n \\f \\r, the others as
  \\u00xx in lowercase hex) and write every other character as itself in UTF-8 (U+007F, U+2028,
  U+2029 included); a lone surrogate cannot be UTF-8-encoded, and the fast path falls back;
- integers: both write the decimal digits (JCS: the shortest double form, the same digits for
  |n| <= 2^53 - 1; beyond it rfc8785 refuses the value, so the fast path falls back);
- keys: Python sorts by code point, JCS by UTF-16 code unit; the two orders differ only between
  a character above U+FFFF (a surrogate pair, D800-DFFF) and one in U+E000-U+FFFF, so a dict with
  a key holding a character above U+FFFF falls back.
Anything else (a float, a tuple, a subclass such as an Enum, a non-str key, Decimal) takes
`rfc8785`, the reference, which also raises for what JCS cannot represent.
tests/rules/test_canonical.py proves the two agree, with hypothesis, against `rfc8785`.
"""

import hashlib
import json
import json.encoder

import rfc8785

_SAFE = 2**53 - 1
_MAX_CONTAINERS = 100_000  # beyond (a cycle, or a giant), rfc8785 decides: the fast path never meets a cycle


def _refuse(value):
    raise TypeError(f"{type(value).__name__} is not JSON")


if json.encoder.c_make_encoder is not None:
    # The C encoder itself, made once (json.dumps makes one per call, the most of a small value's
    # cost): no circular-reference markers (see _MAX_CONTAINERS), sorted keys, "," and ":",
    # strings as c_encode_basestring writes them (ensure_ascii=False), NaN refused.
    _c_encoder = json.encoder.c_make_encoder(
        None, _refuse, json.encoder.c_encode_basestring, None, ":", ",", True, False, False
    )

    def _fast_dumps(value) -> str:
        return "".join(_c_encoder(value, 0))
else:  # pragma: no cover - CPython has the C encoder
    _fast_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def _plain(value) -> bool:
    """True when `value` is made only of what the fast path writes as JCS does (module doc)."""
    stack, containers = [value], 0
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is int:
            if -_SAFE <= item <= _SAFE:
                continue
            return False
        if kind is dict or kind is list:
            containers += 1
            if containers > _MAX_CONTAINERS:
                return False  # a cycle, or a giant: rfc8785 decides
        if kind is dict:
            for key in item:
                if type(key) is not str or not (key.isascii() or max(key) <= "\uffff"):
                    return False
            push(item.values())
            continue
        if kind is list:
            push(item)
            continue
        return False
    return True


def canonical_json(value) -> bytes:
    """The RFC 8785 canonical UTF-8 serialization of a JSON value.

    Raises rfc8785.CanonicalizationError (a ValueError) for what JCS cannot represent: non-str
    keys, NaN, integers beyond the IEEE-754 safe range, non-JSON types such as Decimal.
    """
    if _plain(value):
        try:
            return _fast_dumps(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: rfc8785 raises its own error
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
