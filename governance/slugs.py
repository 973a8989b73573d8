"""Slugs: URL names of DAOs and proposals, 3-64 characters of a-z, 0-9 and '-'."""

import re
import unicodedata
from typing import Container

SLUG_PATTERN = r"^[a-z0-9-]{3,64}$"
MAX_LENGTH = 64
_SLUG = re.compile(SLUG_PATTERN)
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """A valid slug made from `title`.

    Accents are folded to ASCII, everything is lowercased, each run of other characters becomes
    one '-', leading and trailing '-' are trimmed, and the result is cut to 64 characters.
    An empty result becomes 'proposal'; one shorter than 3 characters gets '-p' appended.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SEPARATORS.sub("-", ascii_title.lower()).strip("-")
    slug = slug[:MAX_LENGTH].rstrip("-")
    if not slug:
        return "proposal"
    if len(slug) < 3:
        slug += "-p"
    return slug


def unique_slug(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... the first not in `taken`, always within 64 characters.

    Raises ValueError when `base` is not itself a valid slug.
    """
    if not _SLUG.match(base):
        raise ValueError(f"not a valid slug: {base!r}")
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        stem = base[: MAX_LENGTH - len(suffix)]
        candidate = (stem.rstrip("-") or stem) + suffix
        if candidate not in taken:
            return candidate
        n += 1
