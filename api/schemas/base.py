"""The bases of the schemas: request schemas refuse unknown fields (SPEC 8.4) and text the
database cannot store; answer schemas document every field as present, since a route's answer is
dumped through its schema (api/endpoint.py) and a dump writes every field."""

import json
from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, pre_load, validate
from marshmallow.schema import SchemaMeta

from governance.text import unstorable_fields


class StrictSchema(Schema):
    """The base of every request schema (bodies and query strings): unknown fields are refused,
    and so is, in any field at any depth (object keys included), text Postgres cannot store
    (governance.text: NUL, a lone UTF-16 surrogate), before any field reads it."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_unstorable_text(self, data, **_):
        if isinstance(data, Mapping):  # anything else is refused by the load itself
            errors = unstorable_fields(data)
            if errors:
                raise ValidationError(errors)
        return data


class _EveryFieldPresent(SchemaMeta):
    def __new__(mcs, name, bases, attrs):
        klass = super().__new__(mcs, name, bases, attrs)
        for declared in klass._declared_fields.values():
            # read by the document only: answers are dumped, never loaded
            declared.required = not getattr(declared, "sometimes_absent", False)
        return klass


class AnswerSchema(Schema, metaclass=_EveryFieldPresent):
    """The base of every answer schema: each field is in every answer (`required` in the OpenAPI
    document), null only where the field says `allow_none`, absent only where it is marked
    `sometimes(...)`. The value dumped must carry every other field (an attribute of the row,
    or a key of the dict)."""


def sometimes(field, absent_when: str):
    """Mark a field of an answer schema as absent from some answers (a dict dumped without that
    key): not `required` in the document, whose description says when it is absent."""
    described = field.metadata.get("description")
    field.metadata["description"] = f"{described}; absent {absent_when}" if described else f"absent {absent_when}"
    field.sometimes_absent = True
    return field


class Extended:
    """A row seen with figures computed beside it, for the answer schema that shows both (a
    member with every role it holds, a proposal with its tally): the extra values first, then
    the row's own attributes."""

    def __init__(self, row, **extra):
        self._row = row
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._row, name)


class JsonSize:
    """Validator of a free-form JSON value (an object, a list): at most `max_chars` characters
    once serialized, so that no field stores or echoes an unbounded document."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars

    def __call__(self, value) -> None:
        if len(json.dumps(value, default=str)) > self.max_chars:
            raise ValidationError(f"at most {self.max_chars} characters as JSON")


class WholeMatch(validate.Regexp):
    """A Regexp validator that the whole value must match: Python's `$` also matches before a
    trailing newline, so `re.match("^a$", "a\\n")` passes where the document's pattern does not."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value
