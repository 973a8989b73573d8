"""The eligibility snapshot (SPEC 5.1): who may vote on a proposal and with what power, frozen at
activation."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert

from governance.entitlements import effective_entitlements
from governance.power import model_weight
from models import Dao, DaoMember, DaoRole, DaoRoleAssignment, Delegation, Proposal, ProposalVoter
from services.bans import banned_among


def take_snapshot(session, proposal: Proposal, dao: Dao) -> int:
    """Record in proposal_voters every member active now and holding `can_vote` (through any of
    its roles, not banned), with its voting power, its model weight under the proposal's frozen
    model and its delegate. Returns the number of eligible members."""
    roles = dict(
        session.execute(select(DaoRole.code, DaoRole.entitlements).where(DaoRole.dao_id == dao.id))
        .all()
    )
    extra_roles = defaultdict(set)
    for subject_id, role in session.execute(
        select(DaoRoleAssignment.subject_id, DaoRoleAssignment.role)
        .where(DaoRoleAssignment.dao_id == dao.id)
    ):
        extra_roles[subject_id].add(role)
    active = (DaoMember.dao_id == dao.id) & (DaoMember.status == "active")
    banned = banned_among(session, select(DaoMember.subject_id).where(active))
    members = session.execute(
        select(
            DaoMember.subject_id, DaoMember.subject_type, DaoMember.role, DaoMember.voting_power,
            Delegation.delegate_id,
        )
        .outerjoin(
            Delegation,
            and_(Delegation.dao_id == dao.id, Delegation.delegator_id == DaoMember.subject_id),
        )
        .where(active)
        .order_by(DaoMember.subject_id, DaoMember.subject_type)
    )
    rows, seen = [], set()
    for subject_id, subject_type, role, power, delegate_id in members:
        held = effective_entitlements(
            (roles.get(code, {}) for code in {role} | extra_roles[subject_id]),
            "active", subject_id in banned,
        )
        if "can_vote" not in held or subject_id in seen:
            continue
        seen.add(subject_id)
        rows.append({
            "proposal_id": proposal.id, "subject_id": subject_id, "subject_type": subject_type,
            "power": power, "weight": model_weight(proposal.effective_model, power),
            "delegate_id": delegate_id,
        })
    if rows:
        session.execute(insert(ProposalVoter), rows)
    return len(rows)


def in_snapshot(session, proposal: Proposal, subject_id: str) -> bool:
    return session.scalar(
        select(func.count())
        .select_from(ProposalVoter)
        .where(ProposalVoter.proposal_id == proposal.id, ProposalVoter.subject_id == subject_id)
    ) > 0
