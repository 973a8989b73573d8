"""Subject ids (SPEC 3): who acts, as a token's `sub`, a request body, a query or a path names it.

A subject id is 1 to 200 characters of the ASCII letters and digits and `:` `.` `@` `-` `_`,
beginning with a letter or a digit. So `user:alice`, `ag_helion`, `agent:bot-7` and
`user:ann.lee@example.org` are subject ids; `a/b`, an empty or blank id, `user alice` (white
space), an id holding a control character, `.hidden` and `zoë` are not. Every subject id can be
written as it is in a URL path segment and in a query string (none of its characters needs
escaping there, and it is never `.` or `..`), so every route that takes one in its path reaches
every subject.
"""

import re

MAX_LENGTH = 200
SUBJECT_ID_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9:._@-]{{0,{MAX_LENGTH - 1}}}$"
SUBJECT_ID_RULE = (f"1-{MAX_LENGTH} characters of A-Z, a-z, 0-9 and : . @ - _, "
                   "beginning with a letter or a digit")
_SUBJECT_ID = re.compile(SUBJECT_ID_PATTERN, re.ASCII)


def is_subject_id(value) -> bool:
    """True iff `value` is a subject id (the whole string: a trailing newline is refused too)."""
    return isinstance(value, str) and _SUBJECT_ID.fullmatch(value) is not None
