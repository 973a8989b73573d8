"""The proposal lifecycle (SPEC 5.1): activation, finalization, close, cancel and execution, and the
proposals due for the scheduler.

Every transition runs on the proposal row locked FOR UPDATE (the sweeps claim rows with SKIP
LOCKED) and goes through governance.lifecycle: a transition that already happened is a no-op
with no event, an impossible one raises InvalidState. Each transition that happens emits exactly
one `proposal_status_changed`, plus `proposal_finalized` (with the tally and the signed result
receipt of services.receipts) or `proposal_executed` (with the payload). Times come from the
database clock, the one the vote jobs' `submitted_at` is written with.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import Text, Uuid, bindparam, column, exists, func, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm.attributes import set_committed_value

from governance.ballots import proposal_options
from governance.early_pass import early_pass_refusals, passes_early
from governance.settings import EffectiveSettings, effective_settings
from governance.errors import NotFound
from governance.lifecycle import activation_window, already_done, ensure_allowed, transition
from infra.db import db_now
from models import Dao, Proposal
from services.access import require_active
from services.deadlines import wake_after_commit
from services.execution import apply_actions
from services.jobs import record
from services.outbox import event_row, record_event, record_events
from services.payloads import proposal_ref
from services.receipts import sign_receipts
from services.snapshot import take_snapshot
from infra.db import among
from services.tally import check_recount, counted_rows, pending_votes_clause, tallies, waiting_for_votes

SCHEDULER = "system:scheduler"


def _changed(session, proposal: Proposal, dao: Dao, previous: str, actor: str) -> None:
    record_event(
        session, "proposal_status_changed", actor=actor, dao=dao,
        data=proposal_ref(proposal, from_status=previous, to_status=proposal.status),
    )


def _summary(proposal: Proposal, changed: bool, **extra) -> dict:
    return proposal_ref(proposal, status=proposal.status, changed=changed, **extra)


_DAO_SETTINGS = (
    "governance_model", "quorum_percent", "pass_threshold_percent", "voting_period_seconds", "allow_vote_change",
    "ballot_secrecy",
)


def frozen_settings(dao: Dao, proposal: Proposal) -> EffectiveSettings:
    """The settings activation freezes on `proposal` (SPEC 5.6: its override, else the DAO's type
    rule for its type, else the DAO's setting). Raises ValidationFailed when the effective voting
    type and the proposal's options do not go together (a multi-option type without options, or
    basic with options): such a draft cannot be activated."""
    frozen = effective_settings(
        {name: getattr(dao, name) for name in _DAO_SETTINGS}, dao.type_rules, proposal.proposal_type,
        {"governance_model": proposal.governance_model_override, "quorum_percent": proposal.quorum_percent_override,
         "pass_threshold_percent": proposal.pass_threshold_override, "voting_type": proposal.voting_type,
         "ballot_secrecy": proposal.ballot_secrecy},
    )
    proposal_options(frozen.voting_type, proposal.options)
    return frozen


def activate(session, proposal: Proposal, *, actor: str, now=None, **_) -> dict:
    """draft -> active: fix the window, freeze the effective settings, take the snapshot; not in
    a deactivated DAO (InvalidState: an activation queued before the deactivation)."""
    dao = session.get(Dao, proposal.dao_id)
    require_active(dao)
    now = now or db_now(session)
    frozen = frozen_settings(dao, proposal)
    proposal.start_at, proposal.end_at = activation_window(
        now, proposal.start_at, proposal.end_at, frozen.voting_period_seconds
    )
    proposal.effective_model = frozen.governance_model
    proposal.effective_quorum_percent = frozen.quorum_percent
    proposal.effective_pass_threshold = frozen.pass_threshold_percent
    proposal.effective_allow_vote_change = frozen.allow_vote_change
    proposal.effective_voting_period_seconds = frozen.voting_period_seconds
    proposal.effective_voting_type = frozen.voting_type
    proposal.effective_ballot_secrecy = frozen.ballot_secrecy
    # Early pass applies where the DAO turned it on and the frozen settings allow it.
    proposal.effective_early_pass = dao.early_pass and not early_pass_refusals(
        frozen.allow_vote_change, frozen.governance_model, frozen.voting_type)
    proposal.effective_late_quorum_extension_seconds = dao.late_quorum_extension_seconds
    eligible = take_snapshot(session, proposal, dao)
    proposal.status, proposal.activated_at = transition(proposal.status, "activate"), now
    _changed(session, proposal, dao, "draft", actor)
    wake_after_commit(session)  # the finalize sweep at the earliest deadline, not at a tick
    return _summary(proposal, True, eligible_voters=eligible)


def finalize(session, proposals: list[Proposal], *, actor: str, early: bool = False) -> list[Proposal]:
    """active -> passed | rejected | expired for the locked `proposals` that no vote job submitted
    before their end_at still waits for; returns those finalized. `early`: finalize only those
    whose live tally passes early (SPEC 5.6), `passed` with `result.early = true`.

    A secret proposal's ballots are revealed with it: `ballots_revealed` follows its
    `proposal_finalized`.

    Set-wise, whatever the batch's size: one statement for the votes waited for, two for the
    summed tallies, two for the snapshots and ballots (the delegated and ranked tallies and every
    receipt count them), one for the DAOs, one for the chain heads, ONE UPDATE of the proposals
    and ONE multi-row INSERT of the events (in the order a proposal at a time would write them)."""
    waiting = waiting_for_votes(session, proposals)
    ready = [p for p in proposals if p.id not in waiting]
    if not ready:
        return []
    rows = counted_rows(session, ready)
    results = tallies(session, ready, rows)
    check_recount(session, ready, results)  # the running sums of the live tally must agree
    if early:
        ready = [p for p in ready if passes_early(results[p.id])]
        results = {p.id: replace(results[p.id], early=True) for p in ready}
        if not ready:
            return []
    daos = {d.id: d for d in session.scalars(select(Dao).where(among(Dao.id, {p.dao_id for p in ready})))}
    now = db_now(session)
    figures = {p.id: results[p.id].to_json() for p in ready}
    receipts = sign_receipts(session, ready, daos, figures, rows)
    updates, events = [], []
    for proposal in ready:
        result, receipt = figures[proposal.id], receipts[proposal.id]
        dao = daos[proposal.dao_id]
        status = transition(proposal.status, "finalize", result["outcome"])
        updates.append({"id": str(proposal.id), "status": status, "result": result, "receipt": receipt})
        # The batch is written by the one UPDATE below; the objects only mirror it.
        for key, value in (("status", status), ("result", result), ("receipt", receipt), ("finalized_at", now)):
            set_committed_value(proposal, key, value)
        events += _finalized_events(proposal, dao, result, receipt, actor)
        if status == "passed" and proposal.action_payload.get("auto_execute") is True:
            # Once per proposal (an idempotency key), in a transaction of its own after this one.
            record(
                session, "execute_proposal", actor=actor, target_id=proposal.id,
                request={"proposal_id": str(proposal.id), "auto": True}, idempotency_key=f"auto-execute:{proposal.id}",
            )
    _write_finalized(session, updates, now)
    record_events(session, events)
    return ready


def _finalized_events(proposal: Proposal, dao: Dao, result: dict, receipt: dict, actor: str) -> list[dict]:
    """A finalized proposal's events, in order: its status change, `proposal_finalized` (tally and
    receipt), and `ballots_revealed` for a secret ballot."""
    rows = [
        event_row("proposal_status_changed", actor=actor, dao=dao,
                  data=proposal_ref(proposal, from_status="active", to_status=proposal.status)),
        event_row("proposal_finalized", actor=actor, dao=dao, data=proposal_ref(proposal, tally=result, receipt=receipt)),
    ]
    if proposal.effective_ballot_secrecy == "secret_until_close":
        rows.append(event_row("ballots_revealed", actor=actor, dao=dao,
                              data=proposal_ref(proposal, voters=result["voters"])))
    return rows


_FINALIZED = func.jsonb_to_recordset(bindparam("batch", type_=JSONB)).table_valued(
    column("id", Uuid), column("status", Text), column("result", JSONB), column("receipt", JSONB),
).render_derived(name="finalized", with_types=True)


def _write_finalized(session, updates: list[dict], now) -> None:
    """ONE statement for the batch: UPDATE proposals ... FROM jsonb_to_recordset(<the batch>)."""
    table = Proposal.__table__
    session.execute(
        update(table).where(table.c.id == _FINALIZED.c.id).values(
            status=_FINALIZED.c.status, result=_FINALIZED.c.result, receipt=_FINALIZED.c.receipt, finalized_at=now,
        ),
        {"batch": updates},
    )


def finalize_if_early(session, proposal_id, *, actor: str) -> bool:
    """Finalize the proposal at once if it is active under early pass, no vote job waits, and
    its live tally passes early (SPEC 5.6); True if it did. Sent after a vote batch whose
    tally passed early (services.ballots): a repeat, or a proposal finalized meanwhile, is a
    no-op; while vote jobs wait, the batch that processes them sends it again."""
    proposal = session.scalar(
        select(Proposal).where(Proposal.id == uuid.UUID(str(proposal_id))).with_for_update()
    )
    if proposal is None or proposal.status != "active" or not proposal.effective_early_pass:
        return False
    return bool(finalize(session, [proposal], actor=actor, early=True))


def close(session, proposal: Proposal, *, actor: str, **_) -> dict:
    """Finalize now: voting ends at once (`closed_at` = now; the scheduled `end_at` is kept, and
    voting ends at the earlier of the two: governance.lifecycle.voting_ends_at), then the
    proposal is finalized unless a vote submitted before that still waits; the finalize sweep
    then finalizes it as soon as those votes are in."""
    proposal.closed_at = db_now(session)
    session.flush()
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
        data=proposal_ref(proposal, action_payload=proposal.action_payload, outcomes=outcomes),
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
    active proposals whose voting ended (end_at passed, or closed) and that wait for no vote job."""
    now = func.now()
    if action == "activate":
        due = (
            (Proposal.status == "draft") & (Proposal.start_at <= now)
            & (Proposal.end_at.is_(None) | (Proposal.end_at > now))
            & exists().where(Dao.id == Proposal.dao_id, Dao.is_active)
        )
        order = Proposal.start_at
    else:
        ended = (Proposal.end_at <= now) | (Proposal.closed_at <= now)
        due = (Proposal.status == "active") & ended & ~pending_votes_clause()
        order = func.least(Proposal.end_at, Proposal.closed_at)
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
