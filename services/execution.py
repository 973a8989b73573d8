"""Carrying out a passed proposal's actions (SPEC 5.5).

The actions run in order inside the execution transaction, through the same services the
administration routes use. The first one that fails raises its DomainError (its message says
which action): the caller's transaction then rolls back every action and the status change, and
the job fails with that error's code.
"""

from __future__ import annotations

from decimal import Decimal

from governance.errors import DomainError
from governance.power import decimal_text
from models import Dao, Proposal
from services import daos, members, timebank
from services.treasury import move_treasury

def _treasury_transfer(session, dao, proposal, action, *, actor, job_id):
    amount = Decimal(action["amount"])
    recipient, token = action["to_subject_id"], action["token_symbol"]
    if token == timebank.TIME_TOKEN:
        # The account is locked before the treasury row, in the order deposits use (no deadlock).
        timebank.credit(
            session, recipient, amount, tx_type="dao_treasury_withdrawal",
            reference_id=str(proposal.id), note=f"proposal {proposal.slug} of DAO {dao.slug}",
            actor=actor, job_id=job_id,
        )
    entry = move_treasury(
        session, dao, token, amount.copy_negate(), reason=f"proposal {proposal.slug}: transfer to {recipient}",
        actor=actor, reference_id=str(proposal.id), job_id=job_id,
    )
    return {"transaction_id": str(entry.id), "balance": decimal_text(entry.balance_after)}


def _add_member(session, dao, proposal, action, *, actor, job_id):
    member = members.add_member(
        session, dao, subject_id=action["subject_id"], subject_type=action["subject_type"],
        role=action["role"], voting_power=Decimal(action["voting_power"]), actor=actor,
        reactivate_ok=True,
    )
    return {"subject_id": member.subject_id, "status": member.status}


def _remove_member(session, dao, proposal, action, *, actor, job_id):
    member = members.remove_member(session, dao, action["subject_id"], actor=actor,
                                   subject_type=action.get("subject_type"))
    return {"subject_id": member.subject_id, "status": member.status}


def _set_role(session, dao, proposal, action, *, actor, job_id):
    member = members.set_role(session, dao, action["subject_id"], action["role"], actor=actor,
                              subject_type=action.get("subject_type"))
    return {"subject_id": member.subject_id, "role": member.role}


def _update_dao(session, dao, proposal, action, *, actor, job_id):
    changes = {key: value for key, value in action.items() if key != "type"}
    daos.update_dao(session, dao, changes, actor=actor)
    return {"changed": sorted(changes)}


_APPLY = {
    "treasury_transfer": _treasury_transfer,
    "add_member": _add_member,
    "remove_member": _remove_member,
    "set_role": _set_role,
    "update_dao": _update_dao,
}


def apply_actions(session, dao: Dao, proposal: Proposal, *, actor: str, job_id=None) -> list[dict]:
    """Apply `proposal.action_payload.actions` (normalized at creation) in order; returns one
    outcome per action. Raises the DomainError of the first action that fails."""
    outcomes = []
    for index, action in enumerate(proposal.action_payload.get("actions", [])):
        try:
            outcome = _APPLY[action["type"]](
                session, dao, proposal, action, actor=actor, job_id=job_id
            )
        except DomainError as error:
            error.message = f"action {index} ({action['type']}): {error.message}"
            raise
        outcomes.append({"type": action["type"], **outcome})
    return outcomes
