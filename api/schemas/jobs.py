from marshmallow import Schema, fields

from api.schemas.fields import UtcDateTime


class JobSchema(Schema):
    id = fields.UUID()
    kind = fields.String()
    status = fields.String()
    submitted_at = UtcDateTime()
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)
    result = fields.Raw(allow_none=True)
    error = fields.Raw(allow_none=True)


job_schema = JobSchema()
