"""The eligibility snapshot (SPEC 5.1): who may vote on a proposal and with what power, frozen at
activation."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from governance.delegation import effective_delegates
from governance.power import exact_sum, model_weight
from models import Dao, DaoMember, Delegation, ModerationAction, Proposal, ProposalVoter
from services.bans import banned_where
from services.entitlements import members_entitlements


def take_snapshot(session, proposal: Proposal, dao: Dao) -> int:
    """Record in proposal_voters every member active now and holding `can_vote` (through any of
    its roles, not banned), with its voting power, its model weight under the proposal's frozen
    model and its effective delegate for the proposal's type (SPEC 5.6: its delegation for that
    type, else its general one), and the sum of their weights in proposal.snapshot_total_weight
(the tally's total weight, services.tally). Returns the number of eligible members."""
    active = (DaoMember.dao_id == dao.id) & (DaoMember.status == "active")
    active_ids = select(DaoMember.subject_id).where(active)
    banned = banned_where(session, ModerationAction.target_id.in_(active_ids))
    members = session.execute(
        select(
            DaoMember.subject_id, DaoMember.subject_type, DaoMember.role, DaoMember.status, DaoMember.voting_power,
        )
        .where(active)
        .order_by(DaoMember.subject_id, DaoMember.subject_type)
    ).all()
    delegates = effective_delegates(session.execute(
        select(Delegation.delegator_id, Delegation.proposal_type, Delegation.delegate_id).where(
            Delegation.dao_id == dao.id,
            Delegation.proposal_type.is_(None) | (Delegation.proposal_type == proposal.proposal_type),
        )
    ).all(), proposal.proposal_type)
    rows, seen = [], set()
    for member, held in zip(members, members_entitlements(session, dao, members, banned, active_ids)):
        if "can_vote" not in held or member.subject_id in seen:
            continue
        seen.add(member.subject_id)
        rows.append({
            "proposal_id": proposal.id, "subject_id": member.subject_id, "subject_type": member.subject_type,
            "power": member.voting_power, "weight": model_weight(proposal.effective_model, member.voting_power),
            "delegate_id": delegates.get(member.subject_id),
        })
    if rows:
        session.execute(insert(ProposalVoter), rows)
    proposal.snapshot_total_weight = exact_sum(row["weight"] for row in rows)
    return len(rows)


def in_snapshot(session, proposal: Proposal, subject_id: str) -> bool:
    return session.scalar(
        select(func.count())
        .select_from(ProposalVoter)
        .where(ProposalVoter.proposal_id == proposal.id, ProposalVoter.subject_id == subject_id)
    ) > 0
