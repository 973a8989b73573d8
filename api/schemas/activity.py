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
    # Its place in the DAO's audit chain (issue 13), null until the bridge has linked it.
    seq = fields.Integer(attribute="chain_seq", allow_none=True,
                         metadata={"description": "its position in the DAO's audit chain"})
    prev_hash = fields.String(allow_none=True, metadata={"description": "the hash of the event before it"})
    hash = fields.String(allow_none=True, metadata={
        "description": "SHA-256 over its canonical JSON and prev_hash (GET .../audit/export)"})


class ActivityQuerySchema(PageQuerySchema):
    type = fields.String(validate=validate.Length(1, 64))


ActivityPageSchema = page_of(ActivitySchema, "ActivityPage")
