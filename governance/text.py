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


def unstorable_fields(data: Mapping) -> dict[str, list[str]]:
    """The per-field errors of a request (a body or a query) whose text cannot be stored, keyed by
    the path of each string that holds it: `title`, `options.1`, `action_payload.actions.0.role`;
    an object key that is itself unstorable is reported at its object (`_schema` at the top).
    Empty when all is storable."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not storable(item):
                errors[path] = [UNSTORABLE]
        elif isinstance(item, Mapping):
            for key, value in item.items():
                if isinstance(key, str) and storable(key):
                    stack.append((f"{path}.{key}" if path else key, value))
                else:
                    errors[path or "_schema"] = [UNSTORABLE]
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{path}.{index}", value) for index, value in enumerate(item))
    return errors
