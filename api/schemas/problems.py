"""The problem document (RFC 9457) every error answer is dumped through (api/errors.py)."""

from marshmallow import Schema, fields


class ProblemSchema(Schema):
    type = fields.String(required=True, metadata={"description": "always about:blank"})
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "stable, e.g. not_found, voting_closed"})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "per-field messages of a validation error (lists of strings, nested for "
                                 "nested fields)"},
    )
