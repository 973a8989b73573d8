"""Delegations (SPEC 3, 5.3): each member of a DAO may name one delegate, another member.
Stored here; proposals snapshot them at activation."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from governance.errors import ValidationFailed
from services.outbox import record_event
from models import Dao, Delegation
from services.members import is_active_member


def _event(session, dao, delegator_id, delegate_id, previous, actor) -> None:
    record_event(
        session, "delegation_changed", actor=actor, dao=dao,
        data={"delegator_id": delegator_id, "delegate_id": delegate_id, "previous_delegate_id": previous},
    )


def set_delegate(session, dao: Dao, delegator_id: str, delegate_id: str, *, actor: str) -> Delegation:
    """Make `delegate_id` the delegator's delegate (replacing any earlier one). The delegate must
    be an active member and not the delegator (ValidationFailed on `delegate_id`). Event
    `delegation_changed` unless the delegate was already this one."""
    if delegate_id == delegator_id:
        raise ValidationFailed("no self-delegation", errors={"delegate_id": ["cannot delegate to yourself"]})
    if not is_active_member(session, dao, delegate_id):  # delegations name subjects by id alone
        raise ValidationFailed(
            "the delegate is not a member", errors={"delegate_id": ["not an active member of this DAO"]}
        )
    current = session.scalar(
        select(Delegation).where(Delegation.dao_id == dao.id, Delegation.delegator_id == delegator_id).with_for_update()
    )
    previous = current.delegate_id if current is not None else None
    if previous == delegate_id:
        return current
    delegation = session.scalars(
        insert(Delegation)
        .values(id=uuid.uuid4(), dao_id=dao.id, delegator_id=delegator_id, delegate_id=delegate_id)
        .on_conflict_do_update(
            index_elements=["dao_id", "delegator_id"], set_={"delegate_id": delegate_id, "updated_at": func.now()}
        )
        .returning(Delegation),
        execution_options={"populate_existing": True},
    ).one()
    _event(session, dao, delegator_id, delegate_id, previous, actor)
    return delegation


def clear_delegate(session, dao: Dao, delegator_id: str, *, actor: str) -> bool:
    """Remove the delegator's delegation; False (and no event) if it had none."""
    previous = session.scalar(
        delete(Delegation)
        .where(Delegation.dao_id == dao.id, Delegation.delegator_id == delegator_id)
        .returning(Delegation.delegate_id)
    )
    if previous is None:
        return False
    _event(session, dao, delegator_id, None, previous, actor)
    return True
