"""Role bodies and answers, and the permission (PDP) answer (SPEC 4, 8.3)."""

from marshmallow import fields, validate

from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.daos import NAME
from api.schemas.fields import SubjectId, UtcDateTime
from governance.entitlements import ENTITLEMENTS
from governance.vocabulary import SUBJECT_TYPES
from api.schemas.pages import page_of

ROLE_CODE = validate.Regexp(r"^[a-z0-9-]{2,64}$", error="2-64 characters of a-z, 0-9 and '-'")


class RoleUpdateSchema(StrictSchema):
    """Replace a role's entitlements (missing ones become false) and optionally its name;
    the entitlement names are checked by governance.entitlements.validate_entitlements."""

    name = fields.String(validate=NAME)
    entitlements = fields.Dict(required=True, validate=validate.Length(max=len(ENTITLEMENTS)))


class RoleCreateSchema(RoleUpdateSchema):
    code = fields.String(required=True, validate=ROLE_CODE)


# A role's entitlements as stored: complete, one boolean per entitlement (validate_entitlements).
EntitlementsSchema = AnswerSchema.from_dict({name: fields.Boolean() for name in ENTITLEMENTS}, name="Entitlements")


class RoleSchema(AnswerSchema):
    code = fields.String()
    name = fields.String()
    entitlements = fields.Nested(EntitlementsSchema)
    is_default = fields.Boolean()
    created_at = UtcDateTime()


class PermissionQuerySchema(StrictSchema):
    subject_id = SubjectId()
    subject_type = fields.String(validate=validate.OneOf(SUBJECT_TYPES), metadata={
        "description": "of subject_id, needed only when it is both a user's and an agent's (default: the "
                       "caller's type when subject_id is the caller)"})
    action = fields.String(validate=validate.Length(1, 64))


class PermissionSchema(AnswerSchema):
    """The PDP answer: what `subject_id` holds in the DAO and, for an `action`, whether it may."""

    subject_id = fields.String(metadata={"description": "the subject asked about (default: the caller)"})
    action = fields.String(allow_none=True, metadata={"description": "the action asked about; null when none"})
    allowed = fields.Boolean(allow_none=True, metadata={"description": "null when no action was asked"})
    entitlements = fields.List(fields.String(validate=validate.OneOf(ENTITLEMENTS)),
                               metadata={"description": "every entitlement held, sorted"})


RolePageSchema = page_of(RoleSchema, "RolePage")
