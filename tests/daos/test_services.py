"""The DAO administration services, as proposal execution and other tasks call them."""

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from governance.errors import Conflict, NotFound, ValidationFailed
from models import Dao, DaoMember
from infra.db import transaction
from services import daos, members
from tests.conftest import unique
from tests.daos.common import events_of
from tests.factories import add_member, make_dao


def live(session, dao) -> Dao:
    return session.get(Dao, dao.id)


def test_a_taken_slug_is_slug_taken_and_the_session_stays_usable():
    dao = make_dao()
    with transaction() as session:
        with pytest.raises(daos.SlugTaken):
            daos.create_dao(session, owner_id="user:a", owner_type="user", fields={"slug": dao.slug, "name": "x"})
        other = daos.create_dao(session, owner_id="user:a", owner_type="user",
                                fields={"slug": unique("ok"), "name": "x"})
    assert other.is_active and daos.SlugTaken.code == "slug_taken" and issubclass(daos.SlugTaken, Conflict)


def test_create_refuses_unknown_fields():
    with transaction() as session, pytest.raises(ValidationFailed) as error:
        daos.create_dao(session, owner_id="user:a", owner_type="user",
                        fields={"slug": unique("d"), "name": "x", "is_active": False})
    assert "is_active" in error.value.errors


def test_update_dao_takes_execution_payload_strings_and_records_only_changes():
    dao = make_dao()
    with transaction() as session:
        updated = daos.update_dao(session, live(session, dao),
                                  {"quorum_percent": "35.00000000", "pass_threshold_percent": "50.00000000",
                                   "voting_period_seconds": 3600}, actor="dao")
        assert updated.quorum_percent == Decimal(35)
    [event] = events_of(dao.id, "dao_updated")
    assert event.payload["data"]["changes"] == {"quorum_percent": "35.00000000", "voting_period_seconds": 3600}
    with transaction() as session, pytest.raises(ValidationFailed) as error:
        daos.update_dao(session, live(session, dao), {"slug": "renamed"}, actor="dao")
    assert "slug" in error.value.errors


def test_add_member_refuses_an_unknown_role_and_an_active_member():
    dao = make_dao()
    with transaction() as session, pytest.raises(ValidationFailed) as error:
        members.add_member(session, live(session, dao), subject_id="user:x", role="wizard", actor="dao")
    assert "role" in error.value.errors
    with transaction() as session, pytest.raises(members.AlreadyMember):
        members.add_member(session, live(session, dao), subject_id=dao.owner_subject_id, actor="dao")


def test_add_member_with_reactivate_ok_updates_an_active_or_banned_member():
    dao = make_dao()
    subject, banned = unique("user:m"), unique("user:b")
    add_member(dao, subject)
    add_member(dao, banned, status="banned")
    with transaction() as session:
        for who in (subject, banned):
            member = members.add_member(session, live(session, dao), subject_id=who, role="observer",
                                        voting_power="2", actor="dao", reactivate_ok=True)
            assert (member.role, member.status, member.voting_power) == ("observer", "active", Decimal(2))
    with transaction() as session:  # the same again changes nothing and records nothing
        members.add_member(session, live(session, dao), subject_id=subject, role="observer", voting_power="2",
                           actor="dao", reactivate_ok=True)
    assert len(events_of(dao.id, "member_added")) == 4


def test_set_role_and_remove_member():
    dao = make_dao()
    subject = unique("user:m")
    add_member(dao, subject)
    with transaction() as session:
        assert members.set_role(session, live(session, dao), subject, "admin", actor="dao").role == "admin"
        members.set_role(session, live(session, dao), subject, "admin", actor="dao")
        with pytest.raises(NotFound):
            members.set_role(session, live(session, dao), unique("user:none"), "admin", actor="dao")
        with pytest.raises(ValidationFailed):
            members.set_role(session, live(session, dao), subject, "wizard", actor="dao")
    assert [e.payload["data"]["previous_role"] for e in events_of(dao.id, "role_changed")] == ["member"]
    with transaction() as session:
        assert members.remove_member(session, live(session, dao), subject, actor="dao").status == "left"
        with pytest.raises(NotFound):
            members.remove_member(session, live(session, dao), unique("user:none"), actor="dao")
        with pytest.raises(members.LastOwner):
            members.set_role(session, live(session, dao), dao.owner_subject_id, "member", actor="dao")


def test_two_owners_demoting_each_other_at_once_leave_one_owner():
    dao = make_dao()
    first, second = dao.owner_subject_id, unique("user:o2")
    add_member(dao, second, role="owner")
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(subject):
        try:
            with transaction() as session:
                target = members.get_member(session, live(session, dao), subject, lock=True)
                barrier.wait(timeout=5)
                members.update_member(session, live(session, dao), target, {"role": "member"}, actor=subject)
            outcomes.append("done")
        except members.LastOwner:
            outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["done", "refused"]
    with transaction() as session:
        owners = session.scalars(
            select(DaoMember.subject_id).where(DaoMember.dao_id == dao.id, DaoMember.role == "owner")
        ).all()
    assert len(owners) == 1


def test_factories_return_values_readable_after_the_session_closed():
    dao = make_dao(is_public=True)
    member = add_member(dao, unique("user:m"), voting_power="1.5", status="pending")
    assert dao.slug and dao.created_at and dao.is_public
    assert (member.status, member.voting_power, member.dao_id) == ("pending", Decimal("1.5"), dao.id)
    assert member.joined_at and member.updated_at
