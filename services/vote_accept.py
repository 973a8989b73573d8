"""The accept path of a vote (SPEC 5.2, issue 14): one SQL statement that checks everything a
vote request may be refused for and records its job, for the requests that are accepted.

`accept()` hands the validated vote to the process's accept batcher (infra.batcher): one thread
that runs `accept_votes()` for every vote the request threads of the process handed in meanwhile,
as one statement in autocommit on a connection it keeps, so that the votes arriving together share
one statement (its own transaction: one round trip) and one nudge of each proposal's drain instead
of paying one each. A lone vote runs at once; there is no timer. `accept_votes()` runs ONE
statement (Core, compiled once, run on the driver's connection) for the batch (one JSON
parameter): for each vote it selects the proposal by id and slugs with its DAO active, the
proposal active and the database's `now()` inside its window (start_at <= now < least(end_at, closed_at):
governance.lifecycle.voting_ends_at, the close and the late-quorum extension included, which
moves end_at), the caller in the eligibility snapshot, not banned (services.bans.not_banned), a
member unless the DAO is public, and the proposal not hidden by moderation
(services.visibility); it takes the proposal rows' KEY SHARE locks (a finalization, which locks
one FOR UPDATE, then sees the jobs) and inserts the `cast_vote` jobs, RETURNING their columns. A
vote it inserts nothing for goes back to its request thread as None, which runs the slow path
(api/votes.py) to find the refusal to answer (404, 403, 409) as before; so does a caller who sees
hidden proposals and votes on a hidden one. Once committed, the drains are nudged
(services.jobs.nudge_drain). The votes of one batch share `submitted_at` (the transaction's `now()`,
the instant the window is judged at); two votes of one voter on one proposal never share a batch,
so that the later is submitted later.

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

import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from sqlalchemy import Text, Uuid, bindparam, cast, column, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.exc import DBAPIError

from models import Dao, DaoMember, Job, Proposal, ProposalVoter
from services.bans import not_banned
from services.jobs import VOTE_JOB_KIND, add_drain_flag, nudge_drain, send_drain
from services.visibility import not_hidden
from infra import rate_limit
from infra.batcher import Batcher
from infra.celery import BROKER_ERRORS
from infra.db import get_engine
from infra.redis import redis_client

log = logging.getLogger(__name__)

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


_GIVEN = func.jsonb_to_recordset(bindparam("votes", type_=JSONB)).table_valued(
    column("job_id", Uuid), column("subject_id", Text), column("subject_type", Text), column("proposal_id", Uuid),
    column("proposal_slug", Text), column("dao_slug", Text), column("request", JSONB),
).render_derived(name="given", with_types=True)


def _statement():
    """The statement for a batch of votes (one JSON parameter), built once."""
    p, d, j = Proposal.__table__, Dao.__table__, Job.__table__
    voters, members = ProposalVoter.__table__, DaoMember.__table__
    given, now = _GIVEN, func.now()
    subject = given.c.subject_id
    target = (
        select(given.c.job_id, given.c.subject_id, given.c.request, p.c.id)
        .select_from(given.join(p, p.c.id == given.c.proposal_id).join(d, d.c.id == p.c.dao_id))
        .where(
            p.c.slug == given.c.proposal_slug, d.c.slug == given.c.dao_slug, d.c.is_active,
            p.c.status == "active", p.c.start_at <= now, now < func.least(p.c.end_at, p.c.closed_at),
            exists().where(voters.c.proposal_id == p.c.id, voters.c.subject_id == subject),
            or_(d.c.is_public, exists().where(
                members.c.dao_id == d.c.id, members.c.subject_id == subject,
                members.c.subject_type == given.c.subject_type)),
            not_banned(subject),
            not_hidden(cast(p.c.id, Text)),
        )
        # the order services.dao_state locks a DAO's proposals FOR UPDATE in: no deadlock with it
        .order_by(p.c.created_at, p.c.id)
        .with_for_update(read=True, key_share=True, of=p)
        .cte("target")
    )
    return insert(j).from_select(
        ["id", "kind", "status", "actor", "request", "target_id", "attempts"],
        select(target.c.job_id, literal(VOTE_JOB_KIND), literal("queued"), target.c.subject_id, target.c.request,
               cast(target.c.id, Text), literal(0)),
    ).returning(j.c.id, j.c.kind, j.c.status, j.c.actor, j.c.target_id, j.c.submitted_at, j.c.started_at,
                j.c.finished_at, j.c.result, j.c.error, j.c.attempts)


_ACCEPT = _statement()
_compiled: dict = {}  # dialect -> (the statement's SQL text, its constant parameters)


def _driver_sql(dialect) -> tuple[str, dict]:
    """The batch statement as psycopg runs it: compiled once per dialect; its parameters other
    than `votes` are constants (the statuses, the moderation actions, the attempts)."""
    if dialect not in _compiled:
        compiled = _ACCEPT.compile(dialect=dialect)
        _compiled[dialect] = (str(compiled), {k: v for k, v in compiled.params.items() if k != "votes"})
    return _compiled[dialect]


@dataclass(frozen=True)
class VoteRequest:
    """A validated vote of a request thread, for the batch statement. `rate_limit`: the caller's
    write requests allowed per minute (0: none counted), counted by the batch."""
    dao_slug: str
    proposal_id: uuid.UUID
    proposal_slug: str
    subject_id: str
    subject_type: str
    request: dict
    rate_limit: int = 0

    def row(self, job_id: uuid.UUID) -> dict:
        return {"job_id": str(job_id), "subject_id": self.subject_id, "subject_type": self.subject_type,
                "proposal_id": str(self.proposal_id), "proposal_slug": self.proposal_slug,
                "dao_slug": self.dao_slug, "request": self.request}


@dataclass(frozen=True)
class OverLimit:
    """The answer for a vote counted beyond its caller's rate limit at `at` (nothing recorded)."""
    at: float


def accept_votes(conn, votes: Sequence[VoteRequest]) -> list[Job | None]:
    """Record, in ONE statement, the job of each vote that nothing refuses. Per vote its transient
    Job (the columns the answer needs), or None where something may refuse it (the slow path then
    says what). The job ids (version 4 UUIDs) come from one read of the system's random source."""
    random = os.urandom(16 * len(votes))
    ids = [uuid.UUID(bytes=random[16 * n:16 * n + 16], version=4) for n in range(len(votes))]
    given = [vote.row(job_id) for vote, job_id in zip(votes, ids, strict=True)]
    sql, constants = _driver_sql(conn.dialect)
    # On the driver's connection (the statement is the same every batch): SQLAlchemy's cache
    # lookup, parameter processing and result rows were ~10% of the API's CPU per vote.
    try:
        with conn.connection.driver_connection.cursor(row_factory=dict_row) as cursor:
            rows = {row["id"]: row for row in cursor.execute(sql, {**constants, "votes": Jsonb(given)})}
    except psycopg.Error as error:  # as SQLAlchemy raises it (the API answers 503 for OperationalError)
        raise DBAPIError.instance(sql, None, error, psycopg.Error) from error
    return [Job(**rows[job_id]) if job_id in rows else None for job_id in ids]


# The proposals whose votes the last batch committed and whose drains it left to the next batch's
# round trip (only the batcher's thread touches it).
_unnudged: list[str] = []


def _accept_batch(votes: Sequence[VoteRequest]) -> list[Job | OverLimit | None]:
    """The batcher's run: ONE Redis round trip (the drain nudges the previous batch left, and the
    rate-limit counts of these votes), ONE statement (its own transaction), then the drain nudges of the
    proposals that got votes: in the next batch's round trip when votes already wait for it, else
    at once."""
    global _unnudged
    now = time.time()
    nudges, _unnudged = _unnudged, []
    counted = [n for n, vote in enumerate(votes) if vote.rate_limit > 0]
    flags, counts = _round_trip(nudges, [votes[n] for n in counted], now)
    for target, first in zip(nudges, flags, strict=True):
        if first:
            send_drain(VOTE_JOB_KIND, target)
    over = {n for n, count in zip(counted, counts, strict=True) if count is not None and count > votes[n].rate_limit}
    taken = [n for n in range(len(votes)) if n not in over]
    answers: list = [OverLimit(now) if n in over else None for n in range(len(votes))]
    if taken:
        for n, job in zip(taken, _run_statement([votes[n] for n in taken]), strict=True):
            answers[n] = job
    targets = list(dict.fromkeys(job.target_id for job in answers if isinstance(job, Job)))
    if _batcher.waiting():
        _unnudged = targets
    else:
        for target in targets:
            nudge_drain(VOTE_JOB_KIND, target)
    return answers


# The batcher thread's own connection: (pid, connection), kept across batches. A forked child
# keeps its parent's in _inherited, never to use, close or return it (that would end or reset the
# parent's session on the shared socket), and opens its own.
_held: tuple[int, object] | None = None
_inherited: list = []


def _run_statement(votes: Sequence[VoteRequest]) -> list[Job | None]:
    """accept_votes on the batcher thread's own connection, in autocommit: the one statement is
    its own transaction (one round trip, no BEGIN and COMMIT of their own), and the connection is
    kept across batches (no pool checkout and ping per batch). After an error it is dropped, and
    the next batch opens a new one (after a database restart the first batch answers 503)."""
    global _held
    engine = get_engine()
    if _held is not None and _held[0] != os.getpid():
        _inherited.append(_held)
        _held = None
    if _held is not None and _held[1].engine is not engine:  # the settings changed (tests)
        _held[1].close()
        _held = None
    if _held is None:
        _held = (os.getpid(), engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
    conn = _held[1]
    try:
        jobs = accept_votes(conn, votes)
        conn.commit()  # ends SQLAlchemy's own transaction bookkeeping; the statement committed already
    except BaseException:
        _held = None
        conn.invalidate()
        raise
    return jobs


def _round_trip(nudges: list[str], counted: list[VoteRequest], now: float) -> tuple[list, list]:
    """(per nudge: whether its flag was set, per vote counted: its count) in one pipeline. When
    Redis does not answer: every drain is sent and no vote is refused (the limiter fails open)."""
    if not nudges and not counted:
        return [], []
    try:
        pipe = redis_client().pipeline(transaction=False)
        for target in nudges:
            add_drain_flag(pipe, target)
        for vote in counted:
            rate_limit.add_count(pipe, vote.subject_id, now)
        answers = pipe.execute()
    except BROKER_ERRORS as error:
        log.warning("Redis did not answer the vote batch (%s): its drains are sent, its votes not limited", error)
        return [True] * len(nudges), [None] * len(counted)
    return [bool(flag) for flag in answers[:len(nudges)]], rate_limit.counts(answers[len(nudges):])


# One voter's two votes on a proposal never share a batch: the drain orders them by submitted_at.
_batcher = Batcher(_accept_batch, key=lambda vote: (vote.subject_id, vote.proposal_id), name="vote-accept")


def accept(vote: VoteRequest) -> Job | OverLimit | None:
    """The job of `vote`, recorded together with the votes other threads of this process hand in
    meanwhile (one statement, its own transaction, for all: infra.batcher); OverLimit when its caller is
    beyond the rate limit; None for the slow path."""
    return _batcher.run(vote)
