"""Execution of passed proposals (SPEC 5.5): every action, all-or-nothing, auto_execute."""

from decimal import Decimal

from sqlalchemy import select

from models import Dao, DaoMember, TimeCreditTransaction
from infra.db import transaction
from services.timebank import find_account
from services.treasury import move_treasury
from tests.conftest import auth, unique
from tests.factories import add_member, make_dao
from tests.proposals.helpers import act, create, detail, events, url, vote, wait_status


def fund(dao, token: str, amount: str) -> None:
    with transaction() as session:
        move_treasury(session, session.get(Dao, dao.id), token, Decimal(amount), reason="test funds",
                      actor=dao.owner_subject_id)


def passed(client, dao, payload: dict) -> dict:
    """A proposal of `payload` voted yes by the owner alone, then closed (passed)."""
    owner = dao.owner_subject_id
    proposal = create(client, dao, owner, action_payload=payload)
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], owner, "yes")
    act(client, dao, proposal["slug"], "close", owner)
    return proposal


def member(dao, subject_id) -> DaoMember | None:
    with transaction() as session:
        return session.scalar(select(DaoMember).where(DaoMember.dao_id == dao.id, DaoMember.subject_id == subject_id))


def test_execute_applies_every_action_in_order(client, worker):
    dao = make_dao()
    owner = dao.owner_subject_id
    fund(dao, "SEED", "100")
    newcomer, returning, leaving, promoted = (unique(f"user:{n}") for n in ("new", "back", "leave", "up"))
    add_member(dao, returning, status="left")
    add_member(dao, leaving)
    add_member(dao, promoted)
    payload = {"actions": [
        {"type": "treasury_transfer", "token_symbol": "SEED", "amount": "40", "to_subject_id": newcomer},
        {"type": "add_member", "subject_id": newcomer, "role": "observer", "voting_power": "2"},
        {"type": "add_member", "subject_id": returning},
        {"type": "remove_member", "subject_id": leaving},
        {"type": "set_role", "subject_id": promoted, "role": "admin"},
        {"type": "update_dao", "quorum_percent": "35", "name": "Renamed"},
    ]}
    proposal = passed(client, dao, payload)

    job = act(client, dao, proposal["slug"], "execute", owner)

    assert [o["type"] for o in job["result"]["outcomes"]] == [a["type"] for a in payload["actions"]]
    shown = detail(client, dao, proposal["slug"], owner)
    assert shown["status"] == "executed" and shown["executed_at"] is not None
    balances = client.get(f"/api/v1/daos/{dao.slug}/treasury", headers=auth(owner)).get_json()["items"]
    assert [(b["token_symbol"], b["balance"]) for b in balances] == [("SEED", "60.00000000")]
    assert (member(dao, newcomer).role, member(dao, newcomer).voting_power) == ("observer", Decimal(2))
    assert member(dao, returning).status == "active"
    assert member(dao, leaving).status == "left"
    assert member(dao, promoted).role == "admin"
    with transaction() as session:
        live = session.get(Dao, dao.id)
        assert (live.quorum_percent, live.name) == (Decimal(35), "Renamed")
    [executed] = events(dao.id, "proposal_executed", proposal_id=proposal["id"])
    assert executed.payload["data"]["action_payload"] == shown["action_payload"]
    to_executed = [e for e in events(dao.id, "proposal_status_changed", proposal_id=proposal["id"])
                   if e.payload["data"]["to_status"] == "executed"]
    assert len(to_executed) == 1
    again = act(client, dao, proposal["slug"], "execute", owner)
    assert again["result"]["changed"] is False
    assert len(events(dao.id, "proposal_executed", proposal_id=proposal["id"])) == 1


def test_a_failing_action_rolls_everything_back_and_leaves_the_proposal_passed(client, worker):
    dao = make_dao()
    owner = dao.owner_subject_id
    fund(dao, "SEED", "10")
    newcomer = unique("user:new")
    proposal = passed(client, dao, {"actions": [
        {"type": "add_member", "subject_id": newcomer},
        {"type": "treasury_transfer", "token_symbol": "SEED", "amount": "10.00000001", "to_subject_id": newcomer},
    ]})
    before = len(events(dao.id))

    job = act(client, dao, proposal["slug"], "execute", owner, expect="failed")

    assert job["error"]["code"] == "insufficient_funds" and "action 1" in job["error"]["message"]
    assert detail(client, dao, proposal["slug"], owner)["status"] == "passed"
    assert member(dao, newcomer) is None
    assert len(events(dao.id)) == before


def test_an_action_on_a_missing_member_fails_with_not_found(client, worker):
    dao = make_dao()
    proposal = passed(client, dao, {"actions": [{"type": "remove_member", "subject_id": unique("user:ghost")}]})
    job = act(client, dao, proposal["slug"], "execute", dao.owner_subject_id, expect="failed")
    assert job["error"]["code"] == "not_found"


def test_auto_execute_runs_after_a_passing_finalization_only(client, worker):
    dao = make_dao()
    owner = dao.owner_subject_id
    newcomer = unique("user:auto")
    payload = {"auto_execute": True, "actions": [{"type": "add_member", "subject_id": newcomer}]}
    proposal = passed(client, dao, payload)
    assert wait_status(client, dao, proposal["slug"], owner, ["executed"])["status"] == "executed"
    assert member(dao, newcomer).status == "active"

    rejected = create(client, dao, owner, action_payload={**payload, "actions": [
        {"type": "add_member", "subject_id": unique("user:never")}]})
    act(client, dao, rejected["slug"], "activate", owner)
    vote(client, dao, rejected["slug"], owner, "no")
    act(client, dao, rejected["slug"], "close", owner)
    assert detail(client, dao, rejected["slug"], owner)["status"] == "rejected"


def test_a_time_transfer_pays_the_time_credit_account(client, worker):
    dao = make_dao()
    fund(dao, "TIME", "5")
    payee = unique("user:payee")
    proposal = passed(client, dao, {"actions": [
        {"type": "treasury_transfer", "token_symbol": "TIME", "amount": "1.5", "to_subject_id": payee},
    ]})
    act(client, dao, proposal["slug"], "execute", dao.owner_subject_id)
    with transaction() as session:
        assert find_account(session, payee).balance == Decimal("1.5")
        entry = session.scalar(select(TimeCreditTransaction).where(TimeCreditTransaction.subject_id == payee))
        assert (entry.tx_type, entry.reference_id) == ("dao_treasury_withdrawal", proposal["id"])


def test_execute_needs_can_manage_proposals(client, worker):
    dao = make_dao()
    plain = unique("user:plain")
    add_member(dao, plain)
    proposal = passed(client, dao, {"actions": []})
    response = client.post(url(dao, proposal["slug"], "/execute"), headers=auth(plain))
    assert response.status_code == 403
