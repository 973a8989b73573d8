"""Deactivating (soft-deleting) a DAO and restoring it (SPEC 8.3 DELETE, issue 11).

A deactivated DAO stays readable, refuses every change under it (services.access.require_active)
and drops out of every list but its owners'. Deactivation cancels its active proposals, each
with its `proposal_status_changed` (their votes can no longer be finalized into a decision of a
DAO that stopped), and keeps its drafts: a draft holds no votes and commits nothing, the scheduler
leaves the drafts of an inactive DAO alone, and a restored DAO gets them back as they were.
Restoration is its owners' (governance.authority.require_owner).
"""

from __future__ import annotations

from sqlalchemy import select

from models import Dao, Proposal
from services import lifecycle
from services.outbox import record_event
from services.payloads import dao_payload


def deactivate_dao(session, dao: Dao, *, actor: str) -> Dao:
    """Soft-delete the (locked) DAO: `is_active = false` and `dao_deactivated`, then cancel each
    active proposal; a second call changes nothing."""
    if not dao.is_active:
        return dao
    dao.is_active = False
    session.flush()
    record_event(session, "dao_deactivated", actor=actor, dao=dao, data=dao_payload(dao))
    active = session.scalars(
        select(Proposal).where(Proposal.dao_id == dao.id, Proposal.status == "active")
        .order_by(Proposal.created_at, Proposal.id).with_for_update()
    )
    for proposal in active:
        lifecycle.cancel(session, proposal, actor=actor)
    return dao


def restore_dao(session, dao: Dao, *, actor: str) -> Dao:
    """Bring the (locked) deactivated DAO back: `is_active = true` and `dao_restored`; an active
    DAO changes nothing. Proposals canceled by the deactivation stay canceled."""
    if dao.is_active:
        return dao
    dao.is_active = True
    session.flush()
    record_event(session, "dao_restored", actor=actor, dao=dao, data=dao_payload(dao))
    return dao
