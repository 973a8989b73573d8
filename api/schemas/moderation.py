from marshmallow import ValidationError, fields, validate, validates_schema

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.pages import page_of
from api.schemas.fields import UtcDateTime
from governance.subjects import SUBJECT_ID_RULE, is_subject_id
from governance.vocabulary import MODERATION_ACTIONS, MODERATION_TARGET_TYPES

TARGET_TYPE = validate.OneOf(MODERATION_TARGET_TYPES)
TARGET_ID = validate.Length(1, 200)


class ModerationActionInputSchema(StrictSchema):
    target_type = fields.String(required=True, validate=TARGET_TYPE)
    target_id = fields.String(required=True, validate=TARGET_ID)
    action = fields.String(required=True, validate=validate.OneOf(MODERATION_ACTIONS))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))

    @validates_schema
    def _user_targets_are_subjects(self, data, **_):
        # A ban (or any user-targeted action) on what is not a subject id could never apply to anyone.
        if data.get("target_type") == "user" and not is_subject_id(data.get("target_id")):
            raise ValidationError(f"a user target is a subject id: {SUBJECT_ID_RULE}", "target_id")


class ModerationActionQuerySchema(PageQuerySchema):
    target_type = fields.String(load_default=None, validate=TARGET_TYPE)
    target_id = fields.String(load_default=None, validate=TARGET_ID)


class ModerationActionSchema(AnswerSchema):
    id = fields.UUID()
    moderator_id = fields.String()
    target_type = fields.String(validate=TARGET_TYPE)
    target_id = fields.String()
    action = fields.String(validate=validate.OneOf(MODERATION_ACTIONS))
    reason = fields.String()
    notes = fields.String(allow_none=True)
    created_at = UtcDateTime()


ModerationActionPageSchema = page_of(ModerationActionSchema, "ModerationActionPage")
