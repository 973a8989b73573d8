"""The jobs module (SPEC 8.2): the only code that records, sends, runs and finishes a job, and the
one table of task names and queues.

A job is a row in `jobs` whose id is also the id of its Celery task. Its life:
- `record()` inserts it `queued` in the caller's transaction (a repeat of an idempotency key by
  the same actor returns the first job, whatever its status, when it carries the same request
  fingerprint, and is refused with 422 `idempotency_key_reused` when it carries another: as
  payment APIs and the IETF Idempotency-Key draft do, a key names one request, never two) and
  sends its task once that transaction committed. When
  the broker is down the job stays recorded `queued`, a warning is logged, and the requeue sweep
  (`requeue_stale()`, sent by beat) sends it later: the row, not the message, is the record.
- `run_job()` runs it once however often its task is delivered: the attempt is counted first
  (a message that kills its worker every time fails for good after MAX_JOB_ATTEMPTS), then the
  body and the job's success are written in ONE transaction with the job row locked; a
  DomainError fails it with `{code, message}`, a crash with `internal_error`.
- `claim_batch()` and `finish_batch()` let one task take other queued jobs of the same kind and
  target and finish them in its own transaction (the vote batch).
- A kind of DRAINED_KINDS (votes) sends no task per job: once the recording transaction
  committed, `nudge_drain()` sets the Redis flag `governance:drain:<target>` (`SET NX EX`) and
  sends the one drain task of the target (`governance.drain_votes(target)`) only when the flag was
  not set yet. The drain deletes the flag first, then takes the queued jobs of the target in
  batches (`claim_queued()`: SKIP LOCKED, each attempt counted in a committed transaction of its
  own before the batch runs, so that a vote that kills its worker every time fails for good after
  MAX_JOB_ATTEMPTS) until none is left. No committed job is left without a drain to come: its
  nudge runs after its commit and either sets the flag (and sends a drain, which runs later) or
  finds it set, i.e. a drain sent and not started yet (it deletes the flag before it looks for
  jobs), which then finds the job. A flag set before the commit would not do: a drain running
  between the flag and the commit would miss the job. A lost drain message or a lost flag is
  covered by the requeue sweep, which sends the drain of every target with a
  stale queued job.
- Whatever finishes a job notifies JOB_FINISHED_CHANNEL with its id in the same transaction, so
  the requests waiting for it (`Prefer: wait`, services.job_waits) wake when it commits.

Every job timestamp comes from the database clock: `submitted_at` and `started_at` are `now()` of
the transaction writing them, `finished_at` is `clock_timestamp()` when the outcome is written
(`now()` there would be the start of the body's transaction, leaving the body's own run out of
the job latency).

Tasks are sent by name, never by importing them (`send_task()`), so that services, the API and
the consumer need nothing from tasks/ or worker/, and each message goes to the queue of the
table whether or not the sending process loaded the worker's routing.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

from sqlalchemy import Text, Uuid, bindparam, cast, column, func, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert

from governance.errors import DomainError, ValidationFailed
from infra.celery import BROKER_ERRORS, QUEUES, TRANSIENT_ERRORS, celery_app
from infra.config import get_settings
from infra.db import after_commit, among, session_advisory_lock, transaction
from infra.redis import redis_client
from models import Job

log = logging.getLogger(__name__)

VOTE_JOB_KIND = "cast_vote"
# Job kind -> queue. A job task is named `governance.<kind>` and takes the job id.
JOB_QUEUES = {
    VOTE_JOB_KIND: "votes",
    "apply_treasury_delta": "ledger",
    "transfer_time_credits": "ledger",
    "deposit_time_credits": "ledger",
    "adjust_time_credits": "ledger",
    "activate_proposal": "lifecycle",
    "close_proposal": "lifecycle",
    "cancel_proposal": "lifecycle",
    "execute_proposal": "lifecycle",
}
# The other tasks: the NATS bridge, the reward of a vote, the sweeps beat sends, and the early
# pass a vote batch sends (services.ballots).
OTHER_QUEUES = {
    "publish_events": "events",
    "reward_vote": "ledger",
    "reconcile_rewards": "lifecycle",
    "requeue_stale_jobs": "lifecycle",
    "activate_due": "lifecycle",
    "finalize_due": "lifecycle",
    "finalize_early": "lifecycle",
    "drain_votes": "votes",
}
# Job kinds with no task per job: the drain task of the job's target records them
# (nudge_drain). The flag lives DRAIN_FLAG_SECONDS at most: a flag whose drain was lost stops
# new nudges no longer than that (and the requeue sweep sends the drain anyway).
DRAINED_KINDS = {VOTE_JOB_KIND: "drain_votes"}
DRAIN_FLAG_PREFIX = "governance:drain"
DRAIN_FLAG_SECONDS = 60
JOB_KINDS = tuple(JOB_QUEUES)
FINISHED = ("succeeded", "failed")
# Postgres channel notified with a job's id by the transaction that finishes it, delivered when it
# commits: the requests waiting for the job (services.job_waits) wake then.
JOB_FINISHED_CHANNEL = "governance_job_finished"
SWEEP_LIMIT = 1000
TOO_MANY_ATTEMPTS = {"code": "too_many_attempts", "message": "the job was attempted too often"}


class IdempotencyKeyReused(ValidationFailed):
    code, title = "idempotency_key_reused", "Idempotency key reused"

    def __init__(self, message: str):
        super().__init__(message, errors={"Idempotency-Key": [message]})


def task_name(kind: str) -> str:
    return f"governance.{kind}"


# The one table: task name -> queue, for every task (Celery's `task_routes` is built from it).
ROUTES = {task_name(kind): queue for kind, queue in {**JOB_QUEUES, **OTHER_QUEUES}.items()}


def task_routes() -> dict:
    """The table in the form of Celery's `task_routes` setting."""
    return {name: {"queue": queue} for name, queue in ROUTES.items()}


def send_task(name: str, args=(), kwargs=None, **options):
    """Send the task `name` (one of ROUTES) to its queue; raises when the broker cannot take it.
    `options` are Celery's (`task_id`, `expires`, `retry`...)."""
    return celery_app.send_task(name, args=list(args), kwargs=kwargs, queue=ROUTES[name], **options)


def record(session, kind: str, *, actor: str, request: dict, target_id=None, idempotency_key: str | None = None,
           fingerprint: str | None = None) -> Job:
    """Record a job of `kind` for `actor` in the caller's transaction; its task is sent once that
    transaction commits. A repeat of (`actor`, `idempotency_key`) sends nothing: it returns the
    first job (queued, running or finished) when its `fingerprint` (of the request: the API's
    method, path and body) is the first one's, and raises IdempotencyKeyReused when it is another.
    A job recorded without a fingerprint (by the system, or before fingerprints were stored)
    matches any repeat."""
    if kind not in JOB_QUEUES:
        raise ValueError(f"unknown job kind {kind!r}")
    stmt = insert(Job).values(
        id=uuid.uuid4(), kind=kind, status="queued", actor=actor, request=request,
        target_id=str(target_id) if target_id else None, idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )
    if idempotency_key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["actor", "idempotency_key"])
    job_id = session.execute(stmt.returning(Job.id)).scalar_one_or_none()
    if job_id is None:
        first = session.scalar(select(Job).where(Job.actor == actor, Job.idempotency_key == idempotency_key))
        if None not in (first.request_fingerprint, fingerprint) and first.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                f"this Idempotency-Key was used for another request (a {first.kind} job, {first.id}); "
                "use a new key for a new request")
        return first
    after_commit(session, sender(kind, job_id, target_id))
    return session.get(Job, job_id)


def sender(kind: str, job_id, target_id) -> Callable[[], None]:
    """What hands a job committed to the broker: its own task, or the drain of its target."""
    if kind in DRAINED_KINDS:
        target = str(target_id)
        return lambda: nudge_drain(kind, target)
    return lambda: _send(job_id, kind)


def drain_flag(target_id: str) -> str:
    return f"{DRAIN_FLAG_PREFIX}:{target_id}"


def nudge_drain(kind: str, target_id: str) -> bool:
    """After the commit of a job of a DRAINED_KINDS kind: send the drain task of its target unless
    one is on its way (the flag was set). True when a drain was sent. When Redis does not answer
    the flag, the drain is sent anyway; when the broker cannot take it, the requeue sweep sends it
    later. (A caller holding a Redis pipeline puts the flag in it, `add_drain_flag`, and calls
    `send_drain` for each flag it set: services.vote_accept.)"""
    try:
        first = bool(add_drain_flag(redis_client(), target_id))
    except BROKER_ERRORS as error:
        log.warning("drain flag of %s not set (%s); the drain is sent", target_id, error)
        first = True
    return first and send_drain(kind, target_id)


def add_drain_flag(redis, target_id: str):
    """Set the drain flag of `target_id` unless set, on a Redis client (its answer: True when this
    set it) or as a command of a pipeline (the answer comes with the pipeline's)."""
    return redis.set(drain_flag(target_id), 1, nx=True, ex=DRAIN_FLAG_SECONDS)


def send_drain(kind: str, target_id: str) -> bool:
    """Send the drain of `target_id` (its flag was set); False when the broker cannot take it."""
    try:
        send_task(task_name(DRAINED_KINDS[kind]), args=[target_id])
    except BROKER_ERRORS as error:
        log.warning("drain of %s not sent (broker unavailable: %s); the requeue sweep sends it", target_id, error)
        return False
    return True


@contextlib.contextmanager
def draining(target_id: str) -> Iterator[None]:
    """Hold the drain of `target_id`: one drain of a target at a time (a session-level advisory
    lock, on a connection of its own, held across the drain's batch transactions). Two drains of
    one target must not claim side by side: a claim counts an attempt, and a drain meeting jobs
    that another claimed a moment ago (attempted, still queued) would take them for the jobs of a
    dead drain and count attempts again, until the cap failed a vote that never crashed. A second
    drain waits here; a drain whose worker died releases the lock with its connection."""
    with session_advisory_lock(func.hashtextextended(f"{DRAIN_FLAG_PREFIX}:{target_id}", 0)):
        yield


def clear_drain_flag(target_id: str) -> None:
    """The drain's first step: from now on a job committed sends a new drain."""
    try:
        redis_client().delete(drain_flag(target_id))
    except BROKER_ERRORS as error:  # the flag expires; the sweep covers the jobs meanwhile
        log.warning("drain flag of %s not deleted: %s", target_id, error)


def claim_queued(kind: str, target_id: str, limit: int) -> list:
    """Ids of up to `limit` queued jobs of `kind` and `target_id` (oldest first, SKIP LOCKED),
    their attempt counted and committed before they run (a job beyond MAX_JOB_ATTEMPTS is failed
    `too_many_attempts` here instead). The caller holds the target's drain (`draining`), so a
    job attempted before and still queued is one whose batch died with its worker: it is claimed
    alone, so that a vote that kills its worker is retried by itself and the others of its batch
    are not charged with its attempts. [] when none is left."""
    while True:
        claimed, capped = _claim_once(kind, target_id, limit)
        if claimed or not capped:
            return claimed


def _claim_once(kind: str, target_id: str, limit: int) -> tuple[list, bool]:
    """(the ids claimed, whether some were failed for too many attempts instead)."""
    table = Job.__table__
    with transaction() as session:
        rows = session.execute(
            select(table.c.id, table.c.attempts)
            .where(table.c.kind == kind, table.c.target_id == target_id, table.c.status == "queued")
            .order_by(table.c.submitted_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        retried = [row for row in rows if row.attempts > 0]
        ids = [row.id for row in (retried[:1] or rows)]
        if not ids:
            return [], False
        counted = session.execute(
            update(table).where(among(table.c.id, ids)).values(attempts=table.c.attempts + 1)
            .returning(table.c.id, table.c.attempts)
        ).all()
        cap, attempts_of = get_settings().max_job_attempts, dict(counted)  # RETURNING has no order
        for job_id in ids:
            if attempts_of[job_id] > cap:
                log.error("job %s failed for good after %s attempts", job_id, attempts_of[job_id] - 1)
                _finish_one(session, job_id, "failed", error=TOO_MANY_ATTEMPTS)
        claimed = [job_id for job_id in ids if attempts_of[job_id] <= cap]  # oldest first, as selected
        return claimed, len(claimed) < len(counted)


def lock_claimed(session, ids) -> list[Job]:
    """The claimed jobs still queued, locked for the caller's transaction (SKIP LOCKED: another
    drain holding one finishes it)."""
    return list(session.scalars(
        select(Job).where(among(Job.id, ids), Job.status == "queued").order_by(Job.submitted_at)
        .with_for_update(skip_locked=True)
    ))


def _send(job_id, kind: str) -> None:
    """Hand a committed job to the broker. When the broker is down the job stays `queued` (a
    warning says so) and the requeue sweep sends it later."""
    try:
        send_task(task_name(kind), args=[str(job_id)], task_id=str(job_id))
    except BROKER_ERRORS as error:
        log.warning("job %s recorded but not sent (broker unavailable: %s); the requeue sweep sends it",
                    job_id, error)


def _count_attempt(job_id: str) -> Job | None:
    """Mark the job running and count this attempt; None when there is nothing to do."""
    with transaction() as session:
        job = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(("queued", "running")))
            .values(status="running", attempts=Job.attempts + 1, started_at=func.coalesce(Job.started_at, func.now()))
            .returning(Job)
        ).scalar_one_or_none()
        if job is not None and job.attempts > get_settings().max_job_attempts:
            log.error("job %s failed for good after %s attempts", job_id, job.attempts - 1)
            _finish_one(session, job_id, "failed", error=TOO_MANY_ATTEMPTS)
            return None
        return job


def _finish_one(session, job_id, status: str, *, result=None, error=None) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.not_in(FINISHED))
        .values(status=status, result=result, error=error, finished_at=func.clock_timestamp())
        .execution_options(synchronize_session=False)
    )
    session.execute(select(func.pg_notify(JOB_FINISHED_CHANNEL, str(job_id))))


def _fail(job_id: str, error: dict) -> None:
    with transaction() as session:
        _finish_one(session, job_id, "failed", error=error)


def fail_crashed(job_id, error: Exception | None = None) -> None:
    """Fail a job whose body crashed (`internal_error`), in a transaction of its own."""
    _fail(job_id, {"code": "internal_error", "message": str(error)[:500] if error else "the job crashed"})


def run_job(job_id: str, body: Callable) -> None:
    """Run `body(session, job) -> dict` for the job once, whatever the number of deliveries.

    Transient database and broker errors propagate, for the task base to retry the task."""
    if _count_attempt(job_id) is None:
        return
    try:
        with transaction() as session:
            job = session.execute(select(Job).where(Job.id == job_id).with_for_update()).scalar_one()
            if job.status in FINISHED:
                return
            result = body(session, job)
            _finish_one(session, job.id, "succeeded", result=result)
    except DomainError as error:
        log.info("job %s refused: %s", job_id, error.code)
        _fail(job_id, error.as_dict())
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # noqa: BLE001 - recorded on the job, then re-raised
        log.exception("job %s crashed", job_id)
        _fail(job_id, {"code": "internal_error", "message": str(error)[:500]})
        raise


def claim_batch(session, primary: Job, limit: int) -> list[Job]:
    """Lock (SKIP LOCKED) up to `limit` other jobs still queued of the same kind and target as
    `primary`, oldest first, for primary's task to process in its own transaction."""
    return list(session.scalars(
        select(Job)
        .where(
            Job.kind == primary.kind,
            Job.target_id == primary.target_id,
            Job.status == "queued",
            Job.id != primary.id,
        )
        .order_by(Job.submitted_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ))


_OUTCOMES = func.jsonb_to_recordset(bindparam("outcomes", type_=JSONB)).table_valued(
    column("id", Uuid), column("status", Text), column("result", JSONB), column("error", JSONB),
).render_derived(name="outcome", with_types=True)


def _finish_statement(count_attempt: bool):
    table = Job.__table__
    return update(table).where(table.c.id == _OUTCOMES.c.id).values(
        status=_OUTCOMES.c.status, result=_OUTCOMES.c.result, error=_OUTCOMES.c.error,
        attempts=table.c.attempts + (1 if count_attempt else 0), started_at=func.now(),
        finished_at=func.clock_timestamp(),
    )


_FINISH = {count: _finish_statement(count) for count in (True, False)}


def finish_batch(session, jobs: list[Job], outcomes: dict, *, count_attempt: bool = True) -> None:
    """Finish the claimed `jobs` in the caller's transaction, in ONE statement (`UPDATE ... FROM
    jsonb_to_recordset`: the same text whatever their number): job id -> its result, or the
    DomainError that fails it. Their own messages then find them finished. `count_attempt=False`
    when the attempt was counted already (claim_queued)."""
    rows = []
    for job in jobs:
        outcome = outcomes[job.id]
        refused = isinstance(outcome, DomainError)
        rows.append({
            "id": str(job.id), "status": "failed" if refused else "succeeded",
            "result": None if refused else outcome, "error": outcome.as_dict() if refused else None,
        })
    session.execute(_FINISH[count_attempt], {"outcomes": rows})
    session.execute(select(func.pg_notify(JOB_FINISHED_CHANNEL, cast(Job.id, Text))).where(
        among(Job.id, [job.id for job in jobs])))


def queue_length(queue: str) -> int:
    """Messages waiting in a Celery queue (those held by a worker are not counted)."""
    return redis_client().llen(queue)


def stale_jobs(idle_queues: set[str], grace: timedelta | None = None) -> list[Job]:
    """Jobs whose message is gone (judged by the database clock): queued longer than `grace`
    (JOB_REQUEUE_AFTER_SECONDS) while their queue is empty, or running longer than that with no
    transaction holding their row (a running body keeps its job row locked until it commits, so
    an unlocked `running` job is one whose worker died, or which waits for a retry)."""
    grace = grace if grace is not None else timedelta(seconds=get_settings().job_requeue_after_seconds)
    cutoff = func.now() - grace
    with transaction() as session:
        jobs = session.scalars(
            select(Job)
            .where(
                Job.kind.in_(JOB_KINDS),
                or_(
                    (Job.status == "queued") & (Job.submitted_at < cutoff),
                    (Job.status == "running") & (Job.started_at < cutoff),
                ),
            )
            .order_by(Job.submitted_at)
            .limit(SWEEP_LIMIT)
            .with_for_update(skip_locked=True)
        ).all()
    return [j for j in jobs if j.status == "running" or JOB_QUEUES[j.kind] in idle_queues]


def requeue_stale() -> int:
    """Send the task of every stale job again (a message lost with Redis, or with a killed
    worker); safe because job tasks are idempotent and count their attempts."""
    jobs = stale_jobs({queue for queue in QUEUES if queue_length(queue) == 0})
    drains: dict[tuple, int] = {}
    for job in jobs:
        if job.kind in DRAINED_KINDS and job.status == "queued":
            key = (DRAINED_KINDS[job.kind], job.target_id)
            drains[key] = drains.get(key, 0) + 1
            continue
        log.warning("re-enqueueing %s job %s (status %s)", job.kind, job.id, job.status)
        send_task(task_name(job.kind), args=[str(job.id)], task_id=str(job.id))
    for (drain, target), count in drains.items():
        log.warning("sending %s of %s again (%s stale queued jobs)", drain, target, count)
        send_task(task_name(drain), args=[target])
    return len(jobs)
