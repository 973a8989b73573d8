"""The eligibility snapshot (SPEC 5.1) and the processing of votes (SPEC 5.2).

Votes are processed in batches: the task of one vote job also takes the other vote jobs of the
same proposal still queued (row locks with SKIP LOCKED) and records them in the same
transaction; their own messages then find them finished and do nothing. The tally is never
computed per vote: it is a SUM over the votes when asked for.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert

from governance.entitlements import effective_entitlements
from governance.errors import AlreadyVoted, DomainError, NotEligible, NotFound, VotingClosed
from governance.lifecycle import vote_window_open
from governance.moderation import BAN_STATE_ACTIONS, is_banned
from governance.power import model_weight, quantize
from infra.outbox import record_event
from models import (
    Dao, DaoMember, DaoRole, DaoRoleAssignment, Delegation, Job, ModerationAction, Proposal,
    ProposalVoter, Vote,
)

VOTE_BATCH = 200


def _banned(session, subject_ids) -> set[str]:
    """Which of `subject_ids` (a list or a subquery) are banned by moderation now (SPEC 7)."""
    latest = session.execute(
        select(ModerationAction.target_id, ModerationAction.action)
        .where(
            ModerationAction.target_type == "user",
            ModerationAction.action.in_(BAN_STATE_ACTIONS),
            ModerationAction.target_id.in_(subject_ids),
        )
        .distinct(ModerationAction.target_id)
        .order_by(
            ModerationAction.target_id,
            ModerationAction.created_at.desc(),
            ModerationAction.id.desc(),
        )
    )
    return {subject for subject, action in latest if is_banned(action)}


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
    banned = _banned(session, select(DaoMember.subject_id).where(active))
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


def _eligibility(session, proposal: Proposal, jobs: list[Job]) -> dict[str, tuple]:
    """voter -> (power, weight, still allowed) for the voters of `jobs` found in the snapshot.
    A voter banned since the snapshot, by moderation or in this DAO, is no longer allowed."""
    voters = {job.actor for job in jobs}
    rows = session.execute(
        select(ProposalVoter.subject_id, ProposalVoter.power, ProposalVoter.weight, DaoMember.status)
        .outerjoin(
            DaoMember,
            and_(
                DaoMember.dao_id == proposal.dao_id,
                DaoMember.subject_id == ProposalVoter.subject_id,
                DaoMember.subject_type == ProposalVoter.subject_type,
            ),
        )
        .where(ProposalVoter.proposal_id == proposal.id, ProposalVoter.subject_id.in_(voters))
    ).all()
    banned = _banned(session, [row.subject_id for row in rows])
    return {
        row.subject_id: (row.power, row.weight, row.status != "banned" and row.subject_id not in banned)
        for row in rows
    }


def _record_vote(session, proposal: Proposal, dao: Dao, job: Job, eligible: dict) -> dict:
    """Check one vote job against the rules of SPEC 5.2 and record it; DomainError if refused."""
    if proposal.status != "active" or not vote_window_open(
        job.submitted_at, proposal.start_at, proposal.end_at
    ):
        raise VotingClosed("the vote was not submitted while the proposal was open")
    power, weight, allowed = eligible.get(job.actor, (None, None, False))
    if not allowed:
        raise NotEligible("not in this proposal's eligibility snapshot, or banned since")
    choice = job.request["choice"]
    stmt = insert(Vote).values(
        proposal_id=proposal.id, voter_id=job.actor, choice=choice, raw_power=power, weight=weight,
        submitted_at=job.submitted_at,
    )
    keys = [Vote.proposal_id, Vote.voter_id]
    if proposal.effective_allow_vote_change:
        # The vote submitted last wins, whatever order the workers reach them in.
        stmt = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={"choice": choice, "submitted_at": job.submitted_at, "updated_at": func.now()},
            where=Vote.submitted_at <= job.submitted_at,
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    recorded = session.execute(stmt.returning(Vote.id)).scalar_one_or_none()
    data = {
        "proposal_id": str(proposal.id), "proposal_slug": proposal.slug, "voter": job.actor,
        "choice": choice, "weight": format(quantize(weight), "f"),
    }
    if recorded is None:
        if not proposal.effective_allow_vote_change:
            raise AlreadyVoted("this DAO does not allow changing a vote")
        return {**data, "superseded": True}
    record_event(session, "vote_cast", actor=job.actor, dao=dao, data=data)
    return {**data, "superseded": False}


def _claim_queued(session, proposal: Proposal, primary: Job) -> list[Job]:
    return list(session.scalars(
        select(Job)
        .where(
            Job.kind == primary.kind,
            Job.target_id == primary.target_id,
            Job.status == "queued",
            Job.id != primary.id,
        )
        .order_by(Job.submitted_at)
        .limit(VOTE_BATCH - 1)
        .with_for_update(skip_locked=True)
    ))


def process_vote_job(session, job: Job) -> dict:
    """Record the vote of `job` (raising its DomainError if refused), then every other vote job
    of the same proposal still queued, each marked succeeded or failed with its code."""
    proposal = session.scalar(
        select(Proposal).where(Proposal.id == uuid.UUID(job.target_id)).with_for_update(read=True, key_share=True)
    )
    if proposal is None:
        raise NotFound("the proposal no longer exists")
    dao = session.get(Dao, proposal.dao_id)
    batch = _claim_queued(session, proposal, job)
    eligible = _eligibility(session, proposal, [job, *batch])
    result = _record_vote(session, proposal, dao, job, eligible)
    for other in batch:
        try:
            other.result, other.status = _record_vote(session, proposal, dao, other, eligible), "succeeded"
        except DomainError as error:
            other.error, other.status = error.as_dict(), "failed"
        other.attempts += 1
        other.started_at = other.finished_at = func.now()
    return result
