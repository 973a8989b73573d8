"""DAO bodies and answers (SPEC 8.4: create DAO, DAO, DAO overview)."""

from marshmallow import ValidationError, fields, validate

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, JsonSize, StrictSchema, WholeMatch
from api.schemas.fields import Amount, UtcDateTime
from api.schemas.pages import page_of
from api.schemas.treasury import TreasuryItemSchema
from governance.projects import PROJECT_ID_PATTERN
from governance.settings import TYPE_RULE_SETTINGS
from governance.slugs import MAX_LENGTH, MIN_LENGTH, SLUG_PATTERN
from governance.validation import VOTING_PERIOD_SECONDS
from governance.vocabulary import BALLOT_SECRECY, DAO_TYPES, GOVERNANCE_MODELS, PROPOSAL_TYPES, VOTING_TYPES

# governance.slugs: 3-64 characters of a-z and 0-9 with single hyphens between them.
SLUG = [validate.Length(MIN_LENGTH, MAX_LENGTH, error=f"{MIN_LENGTH}-{MAX_LENGTH} characters"),
        WholeMatch(SLUG_PATTERN, error=f"{MIN_LENGTH}-{MAX_LENGTH} characters of a-z and 0-9, with single hyphens "
                                        "between them")]
PERCENT = validate.Range(0, 100)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


NAME = [validate.Length(1, 200), not_blank]
# One year, the longest voting period: a longer extension would outlast any vote.
MAX_EXTENSION_SECONDS = VOTING_PERIOD_SECONDS[1]

_PERCENT_TEXT = {"type": "string", "format": "decimal", "pattern": r"^[0-9]+(\.[0-9]+)?$",
                 "description": "0-100, at most 8 decimal places"}
_TYPE_RULE_VALUES = {
    "quorum_percent": _PERCENT_TEXT,
    "pass_threshold_percent": _PERCENT_TEXT,
    "voting_period_seconds": {"type": "integer", "minimum": VOTING_PERIOD_SECONDS[0],
                              "maximum": VOTING_PERIOD_SECONDS[1]},
    "governance_model": {"type": "string", "enum": list(GOVERNANCE_MODELS)},
    "voting_type": {"type": "string", "enum": list(VOTING_TYPES)},
}
assert set(_TYPE_RULE_VALUES) == set(TYPE_RULE_SETTINGS)
# The document of `type_rules` (checked by governance.settings.validate_type_rules, whose errors
# name the field as `type_rules.<type>.<setting>`).
TYPE_RULES_DOCUMENT = {
    "description": "SPEC 5.6: settings per proposal type; for a proposal of that type each one wins over the "
                   "DAO's setting, and the proposal's own override over it",
    "additionalProperties": False,
    "properties": {
        proposal_type: {"type": "object", "additionalProperties": False, "properties": _TYPE_RULE_VALUES}
        for proposal_type in PROPOSAL_TYPES
    },
}


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
    type_rules = fields.Dict(validate=JsonSize(16_384), metadata=TYPE_RULES_DOCUMENT)
    late_quorum_extension_seconds = fields.Integer(
        strict=True, validate=validate.Range(0, MAX_EXTENSION_SECONDS),
        metadata={"description": "SPEC 5.6: when quorum is first reached by a vote submitted less than this "
                                 "before end_at, end_at moves to that vote's time plus this (once); 0 = off"})
    early_pass = fields.Boolean(metadata={
        "description": "SPEC 5.6: finalize a basic proposal `passed` as soon as the outcome is certain; only with "
                       "allow_vote_change false and the simple, weighted or quadratic model (the DAO's and "
                       "every type rule's)"})
    ballot_secrecy = fields.String(validate=validate.OneOf(BALLOT_SECRECY), metadata={
        "description": "SPEC 5.6: `secret_until_close` hides every choice and per-choice figure from everyone "
                       "until the proposal is finalized (secrecy by access: the server knows the ballots)"})


class DaoCreateSchema(DaoSettingsSchema):
    """Create a DAO; absent settings take the defaults of SPEC 3 (services.daos.CREATE_DEFAULTS)."""

    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=NAME)
    # A checkbox cannot say "the default": the OpenAPI document states these two (the dashboard's
    # create form starts from them); they equal services.daos.CREATE_DEFAULTS (tests/dashboard checks).
    allow_vote_change = fields.Boolean(load_default=True)
    is_public = fields.Boolean(load_default=False)


class DaoRestoreSchema(StrictSchema):
    """Restore a deactivated DAO: an empty body (or none)."""


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
    type_rules = fields.Dict(metadata=TYPE_RULES_DOCUMENT)
    late_quorum_extension_seconds = fields.Integer()
    early_pass = fields.Boolean()
    ballot_secrecy = fields.String(validate=validate.OneOf(BALLOT_SECRECY))
    is_active = fields.Boolean()
    owner_subject_id = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    project_ids = fields.List(fields.String(), metadata={
        "description": "the external projects the DAO links (GET/PUT/DELETE .../projects), in order"})


class DaoOverviewSchema(AnswerSchema):
    """The DAO with its figures: active members, active proposals, treasury balances by token."""

    dao = fields.Nested(DaoSchema)
    members_count = fields.Integer()
    active_proposals_count = fields.Integer()
    treasury_items = fields.List(fields.Nested(TreasuryItemSchema))


PROJECT_ID = [validate.Length(1, 200),
              WholeMatch(PROJECT_ID_PATTERN, error="letters, digits and ._:@+~-, starting with a letter or digit")]


class DaoListQuerySchema(PageQuerySchema):
    public = fields.Boolean(load_default=False)
    microdao_id = fields.String(validate=validate.Length(1, 200))
    project_id = fields.String(validate=PROJECT_ID, metadata={"description": "only DAOs linking this project"})


class DaoProjectSchema(AnswerSchema):
    """A DAO's link to an external project."""

    project_id = fields.String()
    linked_at = UtcDateTime(attribute="created_at")


DaoPageSchema = page_of(DaoSchema, "DaoPage")
DaoProjectPageSchema = page_of(DaoProjectSchema, "DaoProjectPage")
