"""Proposal, vote and tally bodies and answers (SPEC 8.4)."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.pagination import PageQuerySchema
from api.schemas.base import AnswerSchema, JsonSize, StrictSchema, sometimes
from api.schemas.daos import PERCENT, SLUG, not_blank
from api.schemas.fields import Amount, SubjectId, UtcDateTime
from api.schemas.pages import page_of
from api.schemas.verification import ReceiptSchema
from governance.ballots import MAX_LABEL, MAX_OPTIONS, MIN_OPTIONS
from governance.vocabulary import (
    BALLOT_SECRECY, GOVERNANCE_MODELS, OUTCOMES, PROPOSAL_STATUSES, PROPOSAL_TYPES, VOTE_CHOICES, VOTING_TYPES,
)

TITLE = [validate.Length(1, 300), not_blank]
SECRET = "while the ballots are secret (SPEC 5.6: secret_until_close, until finalized)"
OPTION = fields.String(validate=validate.Length(1, MAX_LABEL))
OPTIONS = {"description": "SPEC 5.6: the options of a single_choice, approval or ranked_choice proposal, "
                          f"{MIN_OPTIONS} to {MAX_OPTIONS} distinct labels (not `abstain`); their order breaks "
                          "runoff ties; null for basic"}

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
    voting_type = fields.String(allow_none=True, validate=validate.OneOf(VOTING_TYPES), metadata={
        "description": "SPEC 5.6; null or absent: the DAO's type rule for the proposal type, else basic, "
                       "decided at activation"})
    options = fields.List(OPTION, allow_none=True, validate=validate.Length(MIN_OPTIONS, MAX_OPTIONS),
                          metadata=OPTIONS)
    ballot_secrecy = fields.String(allow_none=True, validate=validate.OneOf(BALLOT_SECRECY), metadata={
        "description": "SPEC 5.6: overrides the DAO's ballot secrecy; null or absent: the DAO's"})

    @validates_schema
    def _window(self, data, **_):
        start, end = data.get("start_at"), data.get("end_at")
        if start is not None and end is not None and end <= start:
            raise ValidationError("must be after start_at", "end_at")


class ProposalCreateSchema(ProposalEditSchema):
    title = fields.String(required=True, validate=TITLE)
    slug = fields.String(validate=SLUG)


class RunoffRoundSchema(AnswerSchema):
    """One round of an instant runoff (SPEC 5.6, ranked_choice)."""

    scores = fields.Dict(keys=fields.String(), values=Amount(),
                         metadata={"description": "each option still standing -> the weight counting for it"})
    exhausted = Amount(metadata={"description": "the weight of the ballots whose options are all eliminated"})
    eliminated = fields.String(allow_none=True,
                               metadata={"description": "the option dropped after this round; null in the last"})


_NOT_BASIC = "for the voting types other than basic, and " + SECRET
_BASIC = "for a basic proposal, and " + SECRET


class TallySchema(AnswerSchema):
    """The tally (SPEC 5.3, 5.6, 8.4): live, or as stored in `result` at finalization, the JSON of
    governance.result.TallyResult. While the ballots are secret only `voters`, `participation`
    and `quorum_reached` are given."""

    model = sometimes(fields.String(validate=validate.OneOf(GOVERNANCE_MODELS)), SECRET)
    quorum_percent = sometimes(Amount(), SECRET)
    pass_threshold_percent = sometimes(Amount(), SECRET)
    total_weight = sometimes(Amount(metadata={"description": "W: the total weight of the eligibility snapshot"}),
                             SECRET)
    yes = sometimes(Amount(), _NOT_BASIC)
    no = sometimes(Amount(), _NOT_BASIC)
    abstain = sometimes(Amount(), SECRET)
    participation = Amount(metadata={"description": "cast / W (abstentions included), 0 when W = 0"})
    support = sometimes(Amount(allow_none=True, metadata={
        "description": "yes / (yes + no); null when yes + no = 0, and for the voting types other than basic"}), SECRET)
    quorum_reached = fields.Boolean()
    voters = fields.Integer()
    outcome = sometimes(fields.String(validate=validate.OneOf(OUTCOMES),
                                      metadata={"description": "on a live tally: the outcome if it closed now"}),
                        SECRET)
    voting_type = sometimes(fields.String(validate=validate.OneOf(VOTING_TYPES)), _BASIC)
    options = sometimes(fields.Dict(keys=fields.String(), values=Amount(), metadata={
        "description": "option -> score, in the order of the options; for ranked_choice the first round"}), _BASIC)
    winner = sometimes(fields.String(allow_none=True, metadata={
        "description": "the option with the highest score (the runoff's winner); null on a tie or none"}), _BASIC)
    rounds = sometimes(fields.List(fields.Nested(RunoffRoundSchema), metadata={
        "description": "the runoff's rounds, first to last"}), "except for ranked_choice, and " + SECRET)
    early = sometimes(fields.Boolean(metadata={
        "description": "true when the proposal was finalized early (SPEC 5.6, early pass)"}),
        "for a basic proposal not decided early, and " + SECRET)


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
    voting_type = fields.String(allow_none=True, validate=validate.OneOf(VOTING_TYPES),
                                metadata={"description": "as set on the draft; null: decided at activation"})
    options = fields.List(fields.String(), allow_none=True, metadata=OPTIONS)
    ballot_secrecy = fields.String(allow_none=True, validate=validate.OneOf(BALLOT_SECRECY),
                                   metadata={"description": "the proposal's override; null: the DAO's"})
    effective_voting_period_seconds = fields.Integer(allow_none=True)
    effective_voting_type = fields.String(allow_none=True, validate=validate.OneOf(VOTING_TYPES))
    effective_ballot_secrecy = fields.String(allow_none=True, validate=validate.OneOf(BALLOT_SECRECY))
    effective_early_pass = fields.Boolean(allow_none=True, metadata={
        "description": "whether early pass applies: the DAO's early_pass, where the frozen settings allow it"})
    effective_late_quorum_extension_seconds = fields.Integer(allow_none=True)
    deadline_extended_from = UtcDateTime(allow_none=True, metadata={
        "description": "the end_at before the late-quorum extension; null: not extended"})
    result = fields.Nested(TallySchema, allow_none=True)
    receipt = fields.Nested(ReceiptSchema, allow_none=True, metadata={
        "description": "the signed result receipt, from finalization on (GET .../export)"})
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
    """A ballot (SPEC 5.6), checked against the proposal's voting type and options by
    governance.ballots.validate_ballot: `{choice}` (basic: yes, no or abstain; single_choice: an
    option; any type: abstain), `{choices}` (approval) or `{ranking}` (ranked_choice)."""

    choice = fields.String(validate=validate.Length(1, MAX_LABEL),
                           metadata={"description": "basic: yes, no or abstain; single_choice: an option; abstain"})
    choices = fields.List(OPTION, validate=validate.Length(max=MAX_OPTIONS),
                          metadata={"description": "approval: the options approved, 1 to all, no repeats"})
    ranking = fields.List(OPTION, validate=validate.Length(max=MAX_OPTIONS), metadata={
        "description": "ranked_choice: options in order of preference, 1 to all, no repeats"})

    @validates_schema
    def _some_ballot(self, data, **_):
        if not data:  # whatever the proposal: the rest depends on its voting type
            raise ValidationError("missing: choice, or choices / ranking as the voting type asks", "choice")


class VoteSchema(AnswerSchema):
    """A vote; while the ballots are secret, only the proposal, the voter and the submission time."""

    proposal_id = fields.UUID()
    voter_id = fields.String()
    choice = sometimes(fields.String(allow_none=True, validate=validate.OneOf(VOTE_CHOICES), metadata={
        "description": "the basic choice, or abstain for an abstention of any type; null otherwise (see ballot)"}),
        SECRET)
    ballot = sometimes(fields.Dict(metadata={
        "description": "the ballot as counted: {choice}, {choices} (in the options' order) or {ranking}"}), SECRET)
    raw_power = sometimes(Amount(), SECRET)
    weight = sometimes(Amount(), SECRET)
    submitted_at = UtcDateTime()
    created_at = sometimes(UtcDateTime(), SECRET)
    updated_at = sometimes(UtcDateTime(), SECRET)


class VoteListQuerySchema(PageQuerySchema):
    choice = fields.String(validate=validate.OneOf(VOTE_CHOICES))
    voter_id = SubjectId(metadata={"description": "one voter's vote"})


ProposalPageSchema = page_of(ProposalSchema, "ProposalPage")
VotePageSchema = page_of(VoteSchema, "VotePage")
