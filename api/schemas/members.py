"""Member and delegation bodies and answers (SPEC 8.4: add member, member, set delegation)."""

from decimal import Decimal

from marshmallow import fields, validate

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.fields import Amount, SubjectId, UtcDateTime
from api.schemas.pages import page_of
from api.schemas.roles import ROLE_CODE
from governance.vocabulary import MEMBER_STATUSES, PROPOSAL_TYPES, SUBJECT_TYPES

POWER = validate.Range(min=0)


class MemberAddSchema(StrictSchema):
    subject_id = SubjectId(required=True)
    subject_type = fields.String(load_default="user", validate=validate.OneOf(SUBJECT_TYPES))
    role = fields.String(load_default="member", validate=ROLE_CODE)
    voting_power = Amount(load_default=Decimal(1), validate=POWER)


class MemberUpdateSchema(StrictSchema):
    role = fields.String(validate=ROLE_CODE)
    voting_power = Amount(validate=POWER)
    status = fields.String(validate=validate.OneOf(MEMBER_STATUSES))


class MemberSchema(AnswerSchema):
    """A member; the value dumped carries `roles` beside the row (api.members.member_answers)."""

    subject_id = fields.String()
    subject_type = fields.String(validate=validate.OneOf(SUBJECT_TYPES))
    role = fields.String()
    roles = fields.List(fields.String(), metadata={"description": "every role held: role and extra roles"})
    status = fields.String(validate=validate.OneOf(MEMBER_STATUSES))
    voting_power = Amount()
    joined_at = UtcDateTime()


class MemberQuerySchema(StrictSchema):
    """Which member a path's subject id names: `user:x` and `agent:x` are two members (SPEC 3)."""

    subject_type = fields.String(validate=validate.OneOf(SUBJECT_TYPES), metadata={
        "description": "the member's type; needed only when the id is both a user's and an agent's "
                       "(409 ambiguous_subject otherwise)"})


class MemberListQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(MEMBER_STATUSES))
    role = fields.String(validate=ROLE_CODE)


DELEGATION_TYPE = {
    "description": "SPEC 5.6: the proposal type this delegation is for; absent or null: the general delegation, "
                   "which counts for every type the member holds no delegation of its own for"
}


class DelegationSetSchema(StrictSchema):
    delegate_id = SubjectId(required=True)
    proposal_type = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(PROPOSAL_TYPES),
                                  metadata=DELEGATION_TYPE)


class DelegationClearQuerySchema(StrictSchema):
    proposal_type = fields.String(load_default=None, validate=validate.OneOf(PROPOSAL_TYPES),
                                  metadata=DELEGATION_TYPE)


class DelegationSchema(AnswerSchema):
    delegator_id = fields.String()
    proposal_type = fields.String(allow_none=True, validate=validate.OneOf(PROPOSAL_TYPES), metadata=DELEGATION_TYPE)
    delegate_id = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class DelegationListQuerySchema(PageQuerySchema):
    delegator_id = SubjectId()
    delegate_id = SubjectId()
    proposal_type = fields.String(validate=validate.OneOf(PROPOSAL_TYPES),
                                  metadata={"description": "the delegations for this proposal type only"})


MemberPageSchema = page_of(MemberSchema, "MemberPage")
DelegationPageSchema = page_of(DelegationSchema, "DelegationPage")
