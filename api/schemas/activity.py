"""The audit trail (SPEC 8.3 activity): a DAO's events, newest first."""

from marshmallow import fields, validate

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema
from api.schemas.fields import UtcDateTime
from api.schemas.pages import page_of


class ActivitySchema(AnswerSchema):
    id = fields.UUID()
    type = fields.String()
    actor = fields.String(allow_none=True)
    created_at = UtcDateTime()
    data = fields.Dict(attribute="payload.data", metadata={"description": "the event's payload data (SPEC 6)"})
    subject = fields.String(metadata={"description": "the NATS subject it is published on"})


class ActivityQuerySchema(PageQuerySchema):
    type = fields.String(validate=validate.Length(1, 64))


ActivityPageSchema = page_of(ActivitySchema, "ActivityPage")
