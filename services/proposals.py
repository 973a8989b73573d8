"""Proposals (SPEC 5.1): drafts, and the lifecycle transitions the tasks carry out.

Every transition runs on the proposal row locked FOR UPDATE (the sweeps claim rows with SKIP
LOCKED) and goes through governance.lifecycle: a transition that already happened is a no-op
with no event, an impossible one raises InvalidState. Each transition that happens emits exactly
one `proposal_status_changed`, plus `proposal_finalized` (with the tally) or `proposal_executed`
(with the payload). Times come from the database clock, the one the vote jobs' `submitted_at`
is written with.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from governance.actions import validate_actions
from governance.errors import Conflict, InvalidState, NotFound, ValidationFailed
from governance.lifecycle import activation_window, already_done, ensure_allowed, transition
from governance.slugs import slugify, unique_slug
from infra.outbox import record_event
from models import Dao, Job, Proposal
from models.db import after_commit
from services.daos import SlugTaken
from services.execution import apply_actions
from services.tally import pending_votes_clause, tallies, waiting_for_votes
from services.voting import take_snapshot
from worker.app import celery_app

SCHEDULER = "system:scheduler"
EDITABLE_FIELDS = (
    "title", "description", "proposal_type", "action_payload", "start_at", "end_at",
    "governance_model_override", "quorum_percent_override", "pass_threshold_override",
)
_SLUG_ATTEMPTS = 5


def db_now(session):
    return session.scalar(select(func.now()))


def load_proposal(session, dao: Dao, slug: str, *, lock: str | None = None) -> Proposal:
    """The DAO's proposal `slug` (NotFound). lock: None, "update" or "key_share"."""
    stmt = select(Proposal).where(Proposal.dao_id == dao.id, Proposal.slug == slug)
    if lock == "update":
        stmt = stmt.with_for_update()
    elif lock == "key_share":
        stmt = stmt.with_for_update(read=True, key_share=True)
    proposal = session.scalar(stmt)
    if proposal is None:
        raise NotFound(f"no proposal '{slug}' in this DAO")
    return proposal


def normalized_payload(payload: dict | None) -> dict:
    """The action_payload as stored: actions checked and normalized (422 on an unknown type),
    other keys kept for downstream subscribers, numbers as strings."""
    if payload is None:
        return {}
    try:
        actions = validate_actions(payload)
    except ValidationFailed as error:
        error.errors = {f"action_payload.{key}": value for key, value in error.errors.items()}
        raise
    plain = json.loads(json.dumps(payload, default=str))
    return {**plain, "actions": actions} if "actions" in payload else plain


def _check_window(session, start_at, end_at) -> None:
    if end_at is not None and start_at is not None and end_at <= start_at:
        raise ValidationFailed("end_at must be after start_at", errors={"end_at": ["must be after start_at"]})
    if end_at is not None and end_at <= db_now(session):
        raise ValidationFailed("end_at is past", errors={"end_at": ["must be in the future"]})


def _insert_with_slug(session, proposal: Proposal, requested: str | None) -> None:
    for _ in range(_SLUG_ATTEMPTS):
        if requested is not None:
            proposal.slug = requested
        else:
            base = slugify(proposal.title)
            taken = set(session.scalars(
                select(Proposal.slug).where(Proposal.dao_id == proposal.dao_id, Proposal.slug.startswith(base))
            ))
            proposal.slug = unique_slug(base, taken)
        try:
            with session.begin_nested():
                session.add(proposal)
                session.flush()
            return
        except IntegrityError as error:
            if getattr(getattr(error.orig, "diag", None), "constraint_name", None) != "uq_proposals_dao_id_slug":
                raise
            if requested is not None:
                raise SlugTaken(f"the slug '{requested}' is taken in this DAO") from None
    raise Conflict("could not find a free slug; give one explicitly")


def create_proposal(session, dao: Dao, *, author: str, fields: dict) -> Proposal:
    """Insert a draft (slug from the title when absent, unique in the DAO; SlugTaken for a given
    slug already used) and its `proposal_created` event."""
    values = {key: fields[key] for key in EDITABLE_FIELDS if key in fields}
    values["action_payload"] = normalized_payload(values.get("action_payload"))
    _check_window(session, values.get("start_at"), values.get("end_at"))
    proposal = Proposal(dao_id=dao.id, created_by=author, status="draft", **values)
    _insert_with_slug(session, proposal, fields.get("slug"))
    record_event(
        session, "proposal_created", actor=author, dao=dao,
        data=_data(proposal, title=proposal.title, proposal_type=proposal.proposal_type, created_by=author),
    )
    return proposal


def update_draft(session, proposal: Proposal, changes: dict) -> Proposal:
    """Apply `changes` to a draft (the caller locked it); InvalidState once it left draft."""
    if proposal.status != "draft":
        raise InvalidState(f"only a draft can be edited; this proposal is {proposal.status}")
    if "action_payload" in changes:
        changes = {**changes, "action_payload": normalized_payload(changes["action_payload"])}
    _check_window(session, changes.get("start_at", proposal.start_at), changes.get("end_at", proposal.end_at))
    for key, value in changes.items():
        setattr(proposal, key, value)
    session.flush()
    return proposal


def _data(proposal: Proposal, **extra) -> dict:
    return {"proposal_id": str(proposal.id), "proposal_slug": proposal.slug, **extra}


def _changed(session, proposal: Proposal, dao: Dao, previous: str, actor: str) -> None:
    record_event(
        session, "proposal_status_changed", actor=actor, dao=dao,
        data=_data(proposal, from_status=previous, to_status=proposal.status),
    )


def _summary(proposal: Proposal, changed: bool, **extra) -> dict:
    return _data(proposal, status=proposal.status, changed=changed, **extra)


def activate(session, proposal: Proposal, *, actor: str, now=None, **_) -> dict:
    """draft -> active: fix the window, freeze the effective settings, take the snapshot."""
    dao = session.get(Dao, proposal.dao_id)
    now = now or db_now(session)
    proposal.start_at, proposal.end_at = activation_window(
        now, proposal.start_at, proposal.end_at, dao.voting_period_seconds
    )
    proposal.effective_model = proposal.governance_model_override or dao.governance_model
    proposal.effective_quorum_percent = (
        dao.quorum_percent if proposal.quorum_percent_override is None else proposal.quorum_percent_override
    )
    proposal.effective_pass_threshold = (
        dao.pass_threshold_percent if proposal.pass_threshold_override is None else proposal.pass_threshold_override
    )
    proposal.effective_allow_vote_change = dao.allow_vote_change
    eligible = take_snapshot(session, proposal, dao)
    proposal.status, proposal.activated_at = transition(proposal.status, "activate"), now
    _changed(session, proposal, dao, "draft", actor)
    return _summary(proposal, True, eligible_voters=eligible)


def _enqueue_execution(session, proposal: Proposal, actor: str) -> None:
    """Record the auto_execute job (once per proposal: an idempotency key) and send it after
    commit, so that execution runs in its own transaction."""
    job_id = session.execute(
        insert(Job)
        .values(
            id=uuid.uuid4(), kind="execute_proposal", status="queued", actor=actor,
            target_id=str(proposal.id), request={"proposal_id": str(proposal.id), "auto": True},
            idempotency_key=f"auto-execute:{proposal.id}",
        )
        .on_conflict_do_nothing(index_elements=["actor", "idempotency_key"])
        .returning(Job.id)
    ).scalar_one_or_none()
    if job_id is not None:
        task_id = str(job_id)
        after_commit(
            session,
            lambda: celery_app.send_task("governance.execute_proposal", args=[task_id], task_id=task_id),
        )


def finalize(session, proposals: list[Proposal], *, actor: str) -> list[Proposal]:
    """active -> passed | rejected | expired for the locked `proposals` that no vote job submitted
    before their end_at still waits for; returns those finalized."""
    waiting = waiting_for_votes(session, proposals)
    ready = [p for p in proposals if p.id not in waiting]
    if not ready:
        return []
    results = tallies(session, ready)
    daos = {d.id: d for d in session.scalars(select(Dao).where(Dao.id.in_({p.dao_id for p in ready})))}
    now = db_now(session)
    rows = []
    for proposal in ready:
        result = results[proposal.id].to_json()
        dao = daos[proposal.dao_id]
        status = transition(proposal.status, "finalize", result["outcome"])
        rows.append({"b_id": proposal.id, "b_status": status, "b_result": result})
        # The batch is written by one executemany below; the objects only mirror it.
        for key, value in (("status", status), ("result", result), ("finalized_at", now)):
            set_committed_value(proposal, key, value)
        _changed(session, proposal, dao, "active", actor)
        record_event(session, "proposal_finalized", actor=actor, dao=dao, data=_data(proposal, tally=result))
        if status == "passed" and proposal.action_payload.get("auto_execute") is True:
            _enqueue_execution(session, proposal, actor)
    session.execute(
        update(Proposal.__table__)
        .where(Proposal.__table__.c.id == bindparam("b_id"))
        .values(status=bindparam("b_status"), result=bindparam("b_result"), finalized_at=now),
        rows,
    )
    return ready


def close(session, proposal: Proposal, *, actor: str, **_) -> dict:
    """Finalize now: voting ends at once (end_at moves to now when later), then the proposal is
    finalized unless a vote submitted before that still waits; the finalize sweep then
    finalizes it as soon as those votes are in."""
    now = db_now(session)
    if proposal.end_at is None or proposal.end_at > now:
        proposal.end_at = now
    if finalize(session, [proposal], actor=actor):
        return _summary(proposal, True, result=proposal.result)
    return _summary(proposal, False, waiting_for_votes=True)


def cancel(session, proposal: Proposal, *, actor: str, **_) -> dict:
    dao = session.get(Dao, proposal.dao_id)
    previous = proposal.status
    proposal.status = transition(previous, "cancel")
    _changed(session, proposal, dao, previous, actor)
    return _summary(proposal, True)


def execute(session, proposal: Proposal, *, actor: str, job_id=None) -> dict:
    """passed -> executed, with every action of the payload, in this one transaction."""
    dao = session.get(Dao, proposal.dao_id)
    outcomes = apply_actions(session, dao, proposal, actor=actor, job_id=job_id)
    proposal.status, proposal.executed_at = transition(proposal.status, "execute"), db_now(session)
    _changed(session, proposal, dao, "passed", actor)
    record_event(
        session, "proposal_executed", actor=actor, dao=dao,
        data=_data(proposal, action_payload=proposal.action_payload, outcomes=outcomes),
    )
    return _summary(proposal, True, outcomes=outcomes)


_TRANSITIONS = {"activate": activate, "close": close, "cancel": cancel, "execute": execute}


def run_transition(session, proposal_id, action: str, *, actor: str, job_id=None) -> dict:
    """Lock the proposal and apply `action` (activate, close, cancel, execute) once."""
    proposal = session.scalar(
        select(Proposal).where(Proposal.id == uuid.UUID(str(proposal_id))).with_for_update()
    )
    if proposal is None:
        raise NotFound("the proposal no longer exists")
    if already_done(proposal.status, action):
        return _summary(proposal, False)
    ensure_allowed(proposal.status, action)
    return _TRANSITIONS[action](session, proposal, actor=actor, job_id=job_id)


def claim_due(session, action: str, limit: int, skip=()) -> list[Proposal]:
    """Lock (SKIP LOCKED) up to `limit` proposals due for the scheduler, other than those in
    `skip`: drafts of active DAOs whose start_at has come (and whose end_at, if any, has not), or
    active proposals whose end_at has passed and that wait for no vote job."""
    now = func.now()
    if action == "activate":
        due = (
            (Proposal.status == "draft") & (Proposal.start_at <= now)
            & (Proposal.end_at.is_(None) | (Proposal.end_at > now))
            & exists().where(Dao.id == Proposal.dao_id, Dao.is_active)
        )
        order = Proposal.start_at
    else:
        due = (Proposal.status == "active") & (Proposal.end_at <= now) & ~pending_votes_clause()
        order = Proposal.end_at
    if skip:
        due = due & Proposal.id.not_in(list(skip))
    return list(session.scalars(
        select(Proposal).where(due).order_by(order).limit(limit).with_for_update(skip_locked=True)
    ))


def activate_many(session, proposals: list[Proposal], *, actor: str) -> int:
    now = db_now(session)
    for proposal in proposals:
        activate(session, proposal, actor=actor, now=now)
    return len(proposals)
