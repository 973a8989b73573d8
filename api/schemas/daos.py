"""DAO bodies and answers (SPEC 8.4: create DAO, DAO, DAO overview)."""

from marshmallow import ValidationError, fields, validate

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.fields import Amount, UtcDateTime
from api.schemas.pages import page_of
from api.schemas.treasury import TreasuryItemSchema
from governance.slugs import SLUG_PATTERN
from governance.vocabulary import DAO_TYPES, GOVERNANCE_MODELS

SLUG = validate.Regexp(SLUG_PATTERN, error="3-64 characters of a-z, 0-9 and '-'")
PERCENT = validate.Range(0, 100)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


NAME = [validate.Length(1, 200), not_blank]


class DaoSettingsSchema(StrictSchema):
    """The settings a DAO's manager may change (PATCH); absent fields stay as they are."""

    name = fields.String(validate=NAME)
    description = fields.String(validate=validate.Length(max=5000))
    dao_type = fields.String(validate=validate.OneOf(DAO_TYPES))
    governance_model = fields.String(validate=validate.OneOf(GOVERNANCE_MODELS))
    voting_period_seconds = fields.Integer(strict=True, validate=validate.Range(60, 31_536_000))
    quorum_percent = Amount(validate=PERCENT)
    pass_threshold_percent = Amount(validate=PERCENT)
    allow_vote_change = fields.Boolean()
    is_public = fields.Boolean()
    microdao_id = fields.String(allow_none=True, validate=validate.Length(1, 200))


class DaoCreateSchema(DaoSettingsSchema):
    """Create a DAO; absent settings take the defaults of SPEC 3 (services.daos.CREATE_DEFAULTS)."""

    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=NAME)
    # A checkbox cannot say "the default": the OpenAPI document states these two (the dashboard's
    # create form starts from them); they equal services.daos.CREATE_DEFAULTS (tests/dashboard checks).
    allow_vote_change = fields.Boolean(load_default=True)
    is_public = fields.Boolean(load_default=False)


class DaoSchema(AnswerSchema):
    id = fields.UUID()
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    microdao_id = fields.String(allow_none=True)
    dao_type = fields.String(validate=validate.OneOf(DAO_TYPES))
    governance_model = fields.String(validate=validate.OneOf(GOVERNANCE_MODELS))
    voting_period_seconds = fields.Integer()
    quorum_percent = Amount()
    pass_threshold_percent = Amount()
    allow_vote_change = fields.Boolean()
    is_public = fields.Boolean()
    is_active = fields.Boolean()
    owner_subject_id = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class DaoOverviewSchema(AnswerSchema):
    """The DAO with its figures: active members, active proposals, treasury balances by token."""

    dao = fields.Nested(DaoSchema)
    members_count = fields.Integer()
    active_proposals_count = fields.Integer()
    treasury_items = fields.List(fields.Nested(TreasuryItemSchema))


class DaoListQuerySchema(PageQuerySchema):
    public = fields.Boolean(load_default=False)
    microdao_id = fields.String(validate=validate.Length(1, 200))


DaoPageSchema = page_of(DaoSchema, "DaoPage")
