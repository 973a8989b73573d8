"""Proposal, vote and tally bodies and answers (SPEC 8.4)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, JsonSize, StrictSchema
from api.schemas.daos import PERCENT, SLUG, not_blank
from api.schemas.fields import Amount, SubjectId, UtcDateTime
from api.schemas.pages import page_of
from governance.vocabulary import GOVERNANCE_MODELS, OUTCOMES, PROPOSAL_STATUSES, PROPOSAL_TYPES, VOTE_CHOICES

TITLE = [validate.Length(1, 300), not_blank]

class ProposalEditSchema(StrictSchema):
    """What the author may change while the proposal is a draft (PATCH); absent fields stay."""

    title = fields.String(validate=TITLE)
    description = fields.String(validate=validate.Length(max=20000))
    proposal_type = fields.String(validate=validate.OneOf(PROPOSAL_TYPES))
    # {"actions": [...], "auto_execute": bool}; the actions are checked by governance.actions.
    action_payload = fields.Dict(keys=fields.String(), validate=JsonSize(65_536))
    start_at = UtcDateTime(allow_none=True)
    end_at = UtcDateTime(allow_none=True)
    governance_model_override = fields.String(allow_none=True, validate=validate.OneOf(GOVERNANCE_MODELS))
    quorum_percent_override = Amount(allow_none=True, validate=PERCENT)
    pass_threshold_override = Amount(allow_none=True, validate=PERCENT)

    @validates_schema
    def _window(self, data, **_):
        start, end = data.get("start_at"), data.get("end_at")
        if start is not None and end is not None and end <= start:
            raise ValidationError("must be after start_at", "end_at")


class ProposalCreateSchema(ProposalEditSchema):
    title = fields.String(required=True, validate=TITLE)
    slug = fields.String(validate=SLUG)


class TallySchema(AnswerSchema):
    """The tally (SPEC 5.3, 8.4): live (a governance.tally.TallyResult), or as stored in `result`
    at finalization (its JSON, whose decimals are already 8-place strings)."""

    model = fields.String(validate=validate.OneOf(GOVERNANCE_MODELS))
    quorum_percent = Amount()
    pass_threshold_percent = Amount()
    total_weight = Amount(metadata={"description": "W: the total weight of the eligibility snapshot"})
    yes = Amount()
    no = Amount()
    abstain = Amount()
    participation = Amount(metadata={"description": "(yes + no + abstain) / W, 0 when W = 0"})
    support = Amount(allow_none=True, metadata={"description": "yes / (yes + no); null when yes + no = 0"})
    quorum_reached = fields.Boolean()
    voters = fields.Integer()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES),
                            metadata={"description": "on a live tally: the outcome if it closed now"})


class ProposalSchema(AnswerSchema):
    id = fields.UUID()
    dao_id = fields.UUID()
    slug = fields.String()
    title = fields.String()
    description = fields.String()
    proposal_type = fields.String(validate=validate.OneOf(PROPOSAL_TYPES))
    action_payload = fields.Dict()
    status = fields.String(validate=validate.OneOf(PROPOSAL_STATUSES))
    start_at = UtcDateTime(allow_none=True)
    end_at = UtcDateTime(allow_none=True)
    governance_model_override = fields.String(allow_none=True, validate=validate.OneOf(GOVERNANCE_MODELS))
    quorum_percent_override = Amount(allow_none=True)
    pass_threshold_override = Amount(allow_none=True)
    # Frozen at activation (null while a draft).
    effective_model = fields.String(allow_none=True, validate=validate.OneOf(GOVERNANCE_MODELS))
    effective_quorum_percent = Amount(allow_none=True)
    effective_pass_threshold = Amount(allow_none=True)
    effective_allow_vote_change = fields.Boolean(allow_none=True)
    result = fields.Nested(TallySchema, allow_none=True)
    created_by = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    activated_at = UtcDateTime(allow_none=True)
    finalized_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True, metadata={
        "description": "when a manager closed the proposal early (`close`); end_at stays as scheduled, "
                       "and voting ended at the earlier of the two"})
    executed_at = UtcDateTime(allow_none=True)


class ProposalDetailSchema(ProposalSchema):
    """A proposal with `tally` beside the row (api.proposals.get_proposal)."""

    tally = fields.Nested(TallySchema, allow_none=True, metadata={
        "description": "the live tally while active, the stored result once finalized, null before activation"})


class ProposalListQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(PROPOSAL_STATUSES))


class TallyQuerySchema(StrictSchema):
    model = fields.String(validate=validate.OneOf(GOVERNANCE_MODELS))


class VoteCreateSchema(StrictSchema):
    choice = fields.String(required=True, validate=validate.OneOf(VOTE_CHOICES))


class VoteSchema(AnswerSchema):
    proposal_id = fields.UUID()
    voter_id = fields.String()
    choice = fields.String(validate=validate.OneOf(VOTE_CHOICES))
    raw_power = Amount()
    weight = Amount()
    submitted_at = UtcDateTime()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class VoteListQuerySchema(PageQuerySchema):
    choice = fields.String(validate=validate.OneOf(VOTE_CHOICES))
    voter_id = SubjectId(metadata={"description": "one voter's vote"})


ProposalPageSchema = page_of(ProposalSchema, "ProposalPage")
VotePageSchema = page_of(VoteSchema, "VotePage")
