import json

from marshmallow import ValidationError, fields, validate

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.pages import page_of
from api.schemas.fields import SubjectId, UtcDateTime
from governance.disputes import PENDING_STATUSES, RESOLUTIONS
from governance.vocabulary import DISPUTE_STATUSES, DISPUTE_SUBJECT_TYPES

DISPUTED_ID = validate.Length(1, 200)  # the disputed exchange, listing, action...: not a subject
MAX_ITEM_CHARS = 4000
MAX_ITEMS_PER_REQUEST = 50


class EvidenceItem(fields.Field):
    """A piece of evidence: a non-empty string (a note, a link) or a JSON object, at most
    MAX_ITEM_CHARS long."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if not value.strip():
                raise ValidationError("must not be empty")
            size = len(value)
        elif isinstance(value, dict):
            size = len(json.dumps(value, default=str))
        else:
            raise ValidationError("must be a string or an object")
        if size > MAX_ITEM_CHARS:
            raise ValidationError(f"at most {MAX_ITEM_CHARS} characters")
        return json.loads(json.dumps(value, default=str))  # decimals become plain JSON



class OpenDisputeSchema(StrictSchema):
    respondent_id = SubjectId(required=True)
    subject_type = fields.String(required=True, validate=validate.OneOf(DISPUTE_SUBJECT_TYPES))
    subject_id = fields.String(required=True, validate=DISPUTED_ID)
    description = fields.String(required=True, validate=validate.Length(1, 5000))
    evidence = fields.List(EvidenceItem(), load_default=list, validate=validate.Length(max=MAX_ITEMS_PER_REQUEST))


class EvidenceSchema(StrictSchema):
    evidence = fields.List(EvidenceItem(), required=True, validate=validate.Length(1, MAX_ITEMS_PER_REQUEST))


class AssignModeratorSchema(StrictSchema):
    moderator_id = SubjectId(load_default=None, allow_none=True)


class ResolveSchema(StrictSchema):
    resolution = fields.String(required=True, validate=validate.Length(1, 5000))
    outcome = fields.String(required=True, validate=validate.OneOf(RESOLUTIONS))


class EscalateSchema(StrictSchema):
    pass


class DisputeListQuerySchema(PageQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(DISPUTE_STATUSES))


class ModeratorQueueQuerySchema(PageQuerySchema):
    status = fields.String(load_default=None, validate=validate.OneOf(PENDING_STATUSES))
    assigned = fields.String(load_default=None, validate=validate.OneOf(("me",)))


class DisputeSchema(AnswerSchema):
    id = fields.UUID()
    claimant_id = fields.String()
    respondent_id = fields.String()
    subject_type = fields.String(validate=validate.OneOf(DISPUTE_SUBJECT_TYPES))
    subject_id = fields.String()
    description = fields.String()
    evidence = fields.List(fields.Raw(metadata={"description": "a note or link (string), or an object"}))
    status = fields.String(validate=validate.OneOf(DISPUTE_STATUSES))
    resolution = fields.String(allow_none=True)
    moderator_id = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


DisputePageSchema = page_of(DisputeSchema, "DisputePage")
