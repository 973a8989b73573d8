"""Delegations (SPEC 3, 5.3, 5.6): each member of a DAO may name one general delegate, another
member, and one per proposal type. Stored here; proposals snapshot the effective one for their
type at activation (services.snapshot)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from governance.errors import ValidationFailed
from services.outbox import record_event
from models import Dao, Delegation
from services.members import is_active_member


def _event(session, dao, delegator_id, proposal_type, delegate_id, previous, actor) -> None:
    record_event(
        session, "delegation_changed", actor=actor, dao=dao,
        data={"delegator_id": delegator_id, "proposal_type": proposal_type, "delegate_id": delegate_id,
              "previous_delegate_id": previous},
    )


def _mine(dao: Dao, delegator_id: str, proposal_type: str | None):
    """The delegator's delegation for `proposal_type` (None: its general one)."""
    return (
        (Delegation.dao_id == dao.id) & (Delegation.delegator_id == delegator_id)
        & Delegation.proposal_type.is_not_distinct_from(proposal_type)
    )


def set_delegate(session, dao: Dao, delegator_id: str, delegate_id: str, *, actor: str,
                 proposal_type: str | None = None) -> Delegation:
    """Make `delegate_id` the delegator's delegate for proposals of `proposal_type` (None: its
    general delegate), replacing any earlier one for that type. The delegate must be an active
    member and not the delegator (ValidationFailed on `delegate_id`). Event
    `delegation_changed` unless the delegate was already this one."""
    if delegate_id == delegator_id:
        raise ValidationFailed("no self-delegation", errors={"delegate_id": ["cannot delegate to yourself"]})
    if not is_active_member(session, dao, delegate_id):  # delegations name subjects by id alone
        raise ValidationFailed(
            "the delegate is not a member", errors={"delegate_id": ["not an active member of this DAO"]}
        )
    current = session.scalar(select(Delegation).where(_mine(dao, delegator_id, proposal_type)).with_for_update())
    previous = current.delegate_id if current is not None else None
    if previous == delegate_id:
        return current
    delegation = session.scalars(
        insert(Delegation)
        .values(id=uuid.uuid4(), dao_id=dao.id, delegator_id=delegator_id, proposal_type=proposal_type,
                delegate_id=delegate_id)
        .on_conflict_do_update(
            index_elements=["dao_id", "delegator_id", "proposal_type"],
            set_={"delegate_id": delegate_id, "updated_at": func.now()},
        )
        .returning(Delegation),
        execution_options={"populate_existing": True},
    ).one()
    _event(session, dao, delegator_id, proposal_type, delegate_id, previous, actor)
    return delegation


def clear_delegate(session, dao: Dao, delegator_id: str, *, actor: str, proposal_type: str | None = None) -> bool:
    """Remove the delegator's delegation for `proposal_type` (None: its general one, leaving
    those per type); False (and no event) if it had none."""
    previous = session.scalar(
        delete(Delegation).where(_mine(dao, delegator_id, proposal_type)).returning(Delegation.delegate_id)
    )
    if previous is None:
        return False
    _event(session, dao, delegator_id, proposal_type, None, previous, actor)
    return True
