"""Rows built through the services, each in its own committed transaction, for any test area.

    dao = make_dao(is_public=True)                 # owner: dao.owner_subject_id
    add_member(dao, "user:bob", role="admin")
    make_role(dao, "auditor", {"can_read": True, "can_audit": True})
    delegate(dao, "user:bob", dao.owner_subject_id)

They return detached ORM objects whose columns stay readable after the session closed.
"""

from __future__ import annotations

from decimal import Decimal

from models import Dao, DaoMember, DaoRole, Delegation
from infra.db import transaction
from services import daos, delegations, members, roles
from tests.conftest import unique


def make_dao(owner: str | None = None, owner_type: str = "user", **fields) -> Dao:
    """A DAO with a unique slug (and name) unless given; the owner defaults to a unique user."""
    fields.setdefault("slug", unique("dao"))
    fields.setdefault("name", fields["slug"])
    with transaction() as session:
        return daos.create_dao(session, owner_id=owner or unique("user:owner"), owner_type=owner_type, fields=fields)


def add_member(dao: Dao, subject_id: str, role: str = "member", voting_power=Decimal(1), *,
               subject_type: str = "user", status: str = "active") -> DaoMember:
    """Add (or re-activate) a member; a status other than active is set afterwards."""
    with transaction() as session:
        live = session.get(Dao, dao.id)
        member = members.add_member(
            session, live, subject_id=subject_id, subject_type=subject_type, role=role,
            voting_power=voting_power, actor=live.owner_subject_id, reactivate_ok=True,
        )
        if status != "active":
            members.update_member(session, live, member, {"status": status}, actor=live.owner_subject_id)
        return member


def make_role(dao: Dao, code: str, entitlements: dict, name: str | None = None) -> DaoRole:
    with transaction() as session:
        return roles.create_role(session, session.get(Dao, dao.id), code=code, entitlements=entitlements, name=name)


def delegate(dao: Dao, delegator_id: str, delegate_id: str, proposal_type: str | None = None) -> Delegation:
    """The delegator's general delegate, or its delegate for proposals of `proposal_type`."""
    with transaction() as session:
        live = session.get(Dao, dao.id)
        return delegations.set_delegate(session, live, delegator_id, delegate_id, actor=delegator_id,
                                        proposal_type=proposal_type)
