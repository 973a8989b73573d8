"""Canonical JSON (RFC 8785, JCS) and SHA-256: the byte strings every hash and signature covers.

Everything the engine hashes or signs is first turned into bytes by `canonical_json`, so that a
verifier in any language that implements JCS gets the same bytes from the same JSON value. Values
must be JSON-native (dict with str keys, list, str, int, float, bool, None): decimals travel as
strings (SPEC 8.4) and are never floats here.

The fast path (issue 14). For the values the engine itself produces - dicts with str keys, lists,
str, int within the IEEE-754 safe range, bool and None, no float - orjson's
`dumps(option=OPT_SORT_KEYS)` writes exactly the RFC 8785 bytes:
- strings: both escape exactly `"`, `\\` and U+0000-U+001F (as \\b \\t \\n \\f \\r, the others as
  \\u00xx in lowercase hex) and write every other character as itself in UTF-8 (U+007F, U+2028,
  U+2029 included); a lone surrogate cannot be UTF-8-encoded: orjson refuses it, and the fast
  path falls back;
- integers: both write the decimal digits (JCS: the shortest double form, the same digits for
  |n| <= 2^53 - 1; beyond it rfc8785 refuses the value, so the fast path falls back);
- keys: orjson sorts by code point, JCS by UTF-16 code unit; the two orders differ only between
  a character above U+FFFF (a surrogate pair, D800-DFFF) and one in U+E000-U+FFFF, so a dict with
  a key holding a character above U+FFFF falls back.
Anything else (a float, a tuple, a subclass such as an Enum, a non-str key, Decimal, nesting
deeper than orjson writes) takes `rfc8785`, the reference, which also raises for what JCS cannot
represent. `canonical_json_text` does the same from a JSON text (the bridge reads the stored
payload as text), read by orjson: a text orjson refuses (a lone surrogate, NaN) or whose value
is not plain (orjson reads an integer beyond 64 bits as a float) is read again by `json`, and
that value takes canonical_json.
tests/rules/test_canonical.py proves the two agree, with hypothesis, against `rfc8785`.
"""

import hashlib
import json

import orjson
import rfc8785

_SAFE = 2**53 - 1
_MAX_CONTAINERS = 100_000  # beyond (a cycle, or a giant), rfc8785 decides: the fast path never meets a cycle
_SORTED = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


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
    fast = _fast(value)
    return rfc8785.dumps(value) if fast is None else fast


def _fast(value) -> bytes | None:
    """The fast path's bytes of a plain value, or None: not plain, a lone surrogate, or nesting
    orjson refuses (the reference decides)."""
    if _plain(value):
        try:
            return orjson.dumps(value, option=_SORTED)
        except orjson.JSONEncodeError:
            pass
    return None


def canonical_json_text(text: str) -> bytes:
    """`canonical_json` of the value a JSON text spells (module doc: the fast path from text).

    Raises ValueError for a text that is not JSON, and as canonical_json does."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        pass  # json.loads below decides: a lone surrogate, NaN, or not JSON
    else:
        fast = _fast(value)
        if fast is not None:
            return fast
    return canonical_json(json.loads(text))


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
