"""Text the database can store (PITFALLS): Postgres text holds any string but one with a NUL
character or a lone UTF-16 surrogate (U+D800-U+DFFF unpaired, which JSON's "\\ud800" escapes
produce), which psycopg refuses to send. Requests are checked with this before anything else
reads them, so that such text is a 422 wherever it is written, never a 500."""

import re
from collections.abc import Mapping

UNSTORABLE = "contains a character that cannot be stored (NUL or a lone UTF-16 surrogate)"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def holds_unstorable(value) -> bool:
    """True iff a JSON value holds unstorable text anywhere: in a string, an object's key, or
    nested in lists and objects."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not storable(item):
                return True
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def unstorable_fields(data: Mapping) -> dict[str, list[str]]:
    """The per-field errors of a request's fields (a body or a query) that hold unstorable text;
    a field name that is itself unstorable is reported under `_schema`. Empty when all is storable."""
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        key = name if isinstance(name, str) and storable(name) else "_schema"
        if key == "_schema" or holds_unstorable(value):
            errors[key] = [UNSTORABLE]
    return errors
