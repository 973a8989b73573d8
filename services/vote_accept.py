"""The accept path of a vote (SPEC 5.2, issue 14): one SQL statement that checks everything a
vote request may be refused for and records its job, for the request that is accepted.

`accept_vote()` runs ONE statement (Core): it selects the proposal by id and slugs with its
DAO active, the proposal active and the database's `now()` inside its window (start_at <= now <
least(end_at, closed_at): governance.lifecycle.voting_ends_at, the close and the late-quorum
extension included, which moves end_at), the caller in the eligibility snapshot, not banned
(services.bans.not_banned), a member unless the DAO is public, and the proposal not hidden by
moderation (services.visibility); it takes the proposal row's KEY SHARE lock (a finalization,
which locks it FOR UPDATE, then sees the job) and inserts the `cast_vote` job, RETURNING the
job's columns. When it inserts nothing, the caller runs the slow path (api/votes.py), which finds
the refusal to answer (404, 403, 409) as before; so does a caller who sees hidden proposals and
votes on a hidden one. Once committed, the job's drain is nudged (services.jobs.sender).

The ballot is validated before the statement against the proposal's frozen voting type and
options, read from a per-process cache filled by the slow path from an active proposal
(`remember`): they never change once a proposal is active. The cache is keyed by the slugs and
holds the proposal id, which the statement requires, so a slug that came to name another
proposal finds nothing and takes the slow path. A ballot the cached rules refuse also takes the
slow path, which answers the refusal in its usual order (a closed proposal's 409 before a 422).
Why a cache rather than reading them in the statement: validating after the insert would mean a
rollback for each refused ballot and the statement's result before validation; the cache costs
nothing per request.
"""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import Text, bindparam, cast, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB, insert

from models import Dao, DaoMember, Job, Proposal, ProposalVoter
from services.bans import not_banned
from services.jobs import VOTE_JOB_KIND, sender
from services.visibility import not_hidden
from infra.db import after_commit

CACHE_SIZE = 10_000

_frozen: dict[tuple[str, str], tuple[uuid.UUID, str, tuple]] = {}
_frozen_lock = threading.Lock()


def frozen_rules(dao_slug: str, proposal_slug: str) -> tuple[uuid.UUID, str, tuple] | None:
    """(proposal id, voting type, options) of an active proposal seen by this process, or None."""
    return _frozen.get((dao_slug, proposal_slug))


def remember(dao_slug: str, proposal: Proposal) -> None:
    """Keep the frozen ballot rules of an active proposal for the next votes on it."""
    if proposal.status != "active":
        return
    with _frozen_lock:
        if len(_frozen) >= CACHE_SIZE:
            _frozen.clear()
        _frozen[(dao_slug, proposal.slug)] = (
            proposal.id, proposal.effective_voting_type, tuple(proposal.options or ()))


def forget_all() -> None:
    with _frozen_lock:
        _frozen.clear()


def _statement():
    """The statement, built once with bound parameters (SQLAlchemy then compiles it once)."""
    p, d, j = Proposal.__table__, Dao.__table__, Job.__table__
    voters, members = ProposalVoter.__table__, DaoMember.__table__
    subject, now = bindparam("subject_id"), func.now()
    target = (
        select(p.c.id)
        .join(d, d.c.id == p.c.dao_id)
        .where(
            p.c.id == bindparam("proposal_id"), p.c.slug == bindparam("proposal_slug"),
            d.c.slug == bindparam("dao_slug"), d.c.is_active,
            p.c.status == "active", p.c.start_at <= now, now < func.least(p.c.end_at, p.c.closed_at),
            exists().where(voters.c.proposal_id == p.c.id, voters.c.subject_id == subject),
            or_(d.c.is_public, exists().where(
                members.c.dao_id == d.c.id, members.c.subject_id == subject,
                members.c.subject_type == bindparam("subject_type"))),
            not_banned(subject),
            not_hidden(cast(p.c.id, Text)),
        )
        .with_for_update(read=True, key_share=True, of=p)
        .cte("target")
    )
    return insert(j).from_select(
        ["id", "kind", "status", "actor", "request", "target_id"],
        select(bindparam("job_id", type_=j.c.id.type), literal(VOTE_JOB_KIND), literal("queued"), subject,
               bindparam("request", type_=JSONB), cast(target.c.id, Text)).select_from(target),
    ).returning(j.c.id, j.c.kind, j.c.status, j.c.actor, j.c.target_id, j.c.submitted_at, j.c.started_at,
                j.c.finished_at, j.c.result, j.c.error, j.c.attempts)


_ACCEPT = _statement()


def accept_vote(session, *, dao_slug: str, proposal_id: uuid.UUID, proposal_slug: str, subject_id: str,
                subject_type: str, request: dict) -> Job | None:
    """Record the vote job in one statement when nothing refuses it; None when something may
    (the slow path then says what). The job is a transient Job with the columns the answer needs."""
    job_id = uuid.uuid4()
    row = session.execute(_ACCEPT, {
        "job_id": job_id, "subject_id": subject_id, "subject_type": subject_type, "proposal_id": proposal_id,
        "proposal_slug": proposal_slug, "dao_slug": dao_slug, "request": request,
    }).mappings().first()
    if row is None:
        return None
    after_commit(session, sender(VOTE_JOB_KIND, job_id, proposal_id))
    return Job(**row)
