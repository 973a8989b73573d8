"""The answer of /healthz (SPEC 8.3, 9): each dependency checked, and the process's uptime."""

from marshmallow import fields, validate

from api.schemas.base import AnswerSchema

CHECK = validate.Regexp(r"^(ok|error: .+)$")


class HealthSchema(AnswerSchema):
    status = fields.String(validate=validate.OneOf(("ok", "degraded")),
                           metadata={"description": "degraded (and 503) when a dependency is down"})
    db = fields.String(validate=CHECK, metadata={"description": "ok, or error: <the exception's type>"})
    redis = fields.String(validate=CHECK)
    nats = fields.String(validate=CHECK)
    uptime_seconds = fields.Integer()
