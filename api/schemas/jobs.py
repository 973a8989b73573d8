"""The job answer (SPEC 8.2): every asynchronous operation answers with it."""

from marshmallow import fields, validate

from api.schemas.base import AnswerSchema
from api.schemas.fields import UtcDateTime
from models.jobs import JOB_STATUSES


class JobErrorSchema(AnswerSchema):
    code = fields.String(metadata={"description": "stable, e.g. not_eligible, insufficient_funds"})
    message = fields.String()


class JobSchema(AnswerSchema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "the operation, e.g. cast_vote, activate_proposal"})
    status = fields.String(validate=validate.OneOf(JOB_STATUSES))
    submitted_at = UtcDateTime()
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)
    result = fields.Dict(allow_none=True, metadata={"description": "what the operation did, once succeeded"})
    error = fields.Nested(JobErrorSchema, allow_none=True, metadata={"description": "why it failed, once failed"})
