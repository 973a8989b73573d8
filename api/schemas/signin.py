"""The development sign-in (dashboard, issue 9): mint a token for a subject."""

from marshmallow import fields, validate

from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.fields import SubjectId
from governance.vocabulary import SUBJECT_TYPES


class DevelopmentTokenRequestSchema(StrictSchema):
    subject_id = SubjectId(required=True)
    subject_type = fields.String(load_default="user", validate=validate.OneOf(SUBJECT_TYPES))


class DevelopmentTokenSchema(AnswerSchema):
    token = fields.String()
    subject_id = fields.String()
    subject_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds until the token expires"})


class DevelopmentSignInSchema(AnswerSchema):
    available = fields.Boolean(metadata={"description": "true while the API runs with the development secret"})
