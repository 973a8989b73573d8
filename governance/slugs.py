"""Slugs: URL names of DAOs and proposals (SPEC 8.4): 3-64 characters of a-z and 0-9, where a
'-' may only stand alone between two of them (`my-dao`, never `---`, `-ab-` or `ab-`).

The one definition: SLUG_PATTERN with MIN_LENGTH and MAX_LENGTH (the request schemas use all
three; the pattern has no look-ahead, so that the OpenAPI document's generators can draw from it),
`is_slug()` for code that checks a value, and `slugify()` and `unique_slug()` that only make
valid ones.
"""

import re
import unicodedata
from typing import Container

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MIN_LENGTH, MAX_LENGTH = 3, 64
_SLUG = re.compile(SLUG_PATTERN)
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def is_slug(text: str) -> bool:
    """Whether `text` is a valid slug."""
    return isinstance(text, str) and MIN_LENGTH <= len(text) <= MAX_LENGTH and _SLUG.fullmatch(text) is not None


def slugify(title: str) -> str:
    """A valid slug made from `title`.

    Accents are folded to ASCII, everything is lowercased, each run of other characters becomes
    one '-', leading and trailing '-' are trimmed, and the result is cut to 64 characters (and
    trimmed again). An empty result becomes 'proposal'; one shorter than 3 characters gets '-p'
    appended.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SEPARATORS.sub("-", ascii_title.lower()).strip("-")
    slug = slug[:MAX_LENGTH].rstrip("-")
    if not slug:
        return "proposal"
    if len(slug) < MIN_LENGTH:
        slug += "-p"
    return slug


def unique_slug(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... the first not in `taken`, always a valid slug.

    Raises ValueError when `base` is not itself a valid slug.
    """
    if not is_slug(base):
        raise ValueError(f"not a valid slug: {base!r}")
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1
