"""The settings a proposal is decided by, frozen at activation (SPEC 5.1): later changes to its
DAO do not affect it.

Each setting is the proposal's override when it has one, else the DAO's. To add a rule (say, a
setting that depends on the proposal type), add the input to ProposalSettings or DaoSettings,
the output to EffectiveSettings, and its line to `effective_settings`; the callers pass the
rows' values and store the result.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DaoSettings:
    """The DAO's own settings at the moment of activation."""

    governance_model: str
    quorum_percent: Decimal
    pass_threshold_percent: Decimal
    allow_vote_change: bool


@dataclass(frozen=True)
class ProposalSettings:
    """What the proposal itself asks for; None: the DAO's setting applies."""

    governance_model: str | None = None
    quorum_percent: Decimal | None = None
    pass_threshold_percent: Decimal | None = None


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings stored on the proposal at activation (its `effective_*` columns)."""

    governance_model: str
    quorum_percent: Decimal
    pass_threshold_percent: Decimal
    allow_vote_change: bool


def _either(override, default):
    return default if override is None else override


def effective_settings(dao: DaoSettings, proposal: ProposalSettings) -> EffectiveSettings:
    """The model, quorum and pass threshold: the proposal's override, else the DAO's setting;
    whether a vote may be changed: the DAO's setting (a proposal cannot override it)."""
    return EffectiveSettings(
        governance_model=_either(proposal.governance_model, dao.governance_model),
        quorum_percent=_either(proposal.quorum_percent, dao.quorum_percent),
        pass_threshold_percent=_either(proposal.pass_threshold_percent, dao.pass_threshold_percent),
        allow_vote_change=dao.allow_vote_change,
    )
