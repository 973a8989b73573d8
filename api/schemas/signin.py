"""The development sign-in (dashboard, issue 9): mint a token for a subject."""

from marshmallow import Schema, fields, validate

from api.auth import SUBJECT_TYPES
from api.schemas.base import StrictSchema
from api.schemas.fields import SubjectId


class DevelopmentTokenRequestSchema(StrictSchema):
    subject_id = SubjectId(required=True)
    subject_type = fields.String(load_default="user", validate=validate.OneOf(SUBJECT_TYPES))


class DevelopmentTokenSchema(Schema):
    token = fields.String()
    subject_id = fields.String()
    subject_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds until the token expires"})


class DevelopmentSignInSchema(Schema):
    available = fields.Boolean(metadata={"description": "true while the API runs with the development secret"})
