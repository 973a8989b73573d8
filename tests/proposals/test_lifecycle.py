"""Lifecycle jobs (SPEC 5.1): the snapshot taken at activation, idempotent transitions with one
event each, the outcomes of finalization. Over HTTP with the real worker."""

from decimal import Decimal

from sqlalchemy import select

from models import ModerationAction, ProposalVoter
from infra.db import transaction
from services import daos
from tests.conftest import auth, unique
from tests.factories import add_member, delegate, make_dao, make_role
from tests.proposals.helpers import (
    WAIT, act, create, dao_with_members, detail, events, finished, proposal_row, url, vote,
)


def snapshot_of(proposal_id) -> dict:
    with transaction() as session:
        rows = session.scalars(select(ProposalVoter).where(ProposalVoter.proposal_id == proposal_id)).all()
    return {r.subject_id: (r.power, r.weight, r.delegate_id) for r in rows}


def test_activation_snapshots_the_active_members_holding_can_vote(client, worker):
    dao, owner, m = dao_with_members({"a": "4", "b": "9"}, governance_model="quadratic")
    observer, left, pending, banned, agent = (unique(f"user:{n}") for n in ("obs", "left", "pend", "ban", "ag"))
    add_member(dao, observer, role="observer")
    add_member(dao, left, status="left")
    add_member(dao, pending, status="pending")
    add_member(dao, banned)
    make_role(dao, "voter-observer", {"can_read": True, "can_vote": True})
    add_member(dao, agent, role="voter-observer", voting_power=Decimal("2"), subject_type="agent")
    with transaction() as session:
        session.add(ModerationAction(moderator_id="user:mod", target_type="user", target_id=banned,
                                     action="ban", reason="spam"))
    delegate(dao, m["a"], m["b"])
    pslug = create(client, dao, owner)["slug"]

    job = act(client, dao, pslug, "activate", owner)

    assert job["result"]["eligible_voters"] == 4
    proposal = detail(client, dao, pslug, owner)
    assert snapshot_of(proposal["id"]) == {
        owner: (Decimal(1), Decimal(1), None),
        m["a"]: (Decimal(4), Decimal(2), m["b"]),
        m["b"]: (Decimal(9), Decimal(3), None),
        agent: (Decimal(2), Decimal("1.41421356"), None),
    }
    assert (proposal["status"], proposal["effective_model"]) == ("active", "quadratic")
    assert (proposal["effective_quorum_percent"], proposal["effective_pass_threshold"]) == ("20.00000000", "50.00000000")
    assert proposal["start_at"] == proposal["activated_at"] and proposal["end_at"] > proposal["start_at"]
    assert proposal["tally"]["total_weight"] == "7.41421356"


def test_later_changes_to_members_power_delegation_and_settings_leave_the_snapshot_alone(client, worker):
    dao, owner, m = dao_with_members({"a": "3", "b": "1"}, governance_model="weighted", quorum_percent="90")
    pslug = create(client, dao, owner)["slug"]
    act(client, dao, pslug, "activate", owner)
    add_member(dao, m["a"], voting_power=Decimal(100))
    delegate(dao, m["b"], m["a"])
    newcomer = unique("user:new")
    add_member(dao, newcomer)
    with transaction() as session:
        live = session.get(type(dao), dao.id)
        daos.update_dao(session, live, {"quorum_percent": "1", "governance_model": "simple",
                                        "allow_vote_change": False}, actor=owner)

    vote(client, dao, pslug, m["a"], "yes")
    vote(client, dao, pslug, m["a"], "yes")  # the frozen allow_vote_change still allows it
    response = client.post(url(dao, pslug, "/votes"), json={"choice": "yes"}, headers=auth(newcomer))
    assert response.status_code == 403 and response.get_json()["code"] == "not_eligible"
    act(client, dao, pslug, "close", owner)

    result = detail(client, dao, pslug, owner)["result"]
    # W = 1 + 3 + 1 = 5 under the frozen weighted model; 3 cast < 90 % quorum: a failing vote is
    # not revived by the DAO lowering its quorum afterwards.
    assert (result["model"], result["total_weight"], result["yes"]) == ("weighted", "5.00000000", "3.00000000")
    assert (result["quorum_percent"], result["outcome"]) == ("90.00000000", "expired")


def test_every_transition_emits_one_event_however_often_requested(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    proposal = create(client, dao, owner)
    pslug, pid = proposal["slug"], proposal["id"]
    responses = [client.post(url(dao, pslug, "/activate"), headers=auth(owner)) for _ in range(4)]
    jobs = [finished(client, r.get_json(), owner) for r in responses]
    assert [j["status"] for j in jobs] == ["succeeded"] * 4
    assert sorted(j["result"]["changed"] for j in jobs) == [False, False, False, True]
    vote(client, dao, pslug, m["a"], "yes")
    for _ in range(3):
        act(client, dao, pslug, "close", owner)
    changes = [(e.payload["data"]["from_status"], e.payload["data"]["to_status"])
               for e in events(dao.id, "proposal_status_changed", proposal_id=pid)]
    assert changes == [("draft", "active"), ("active", "passed")]
    assert len(events(dao.id, "proposal_finalized", proposal_id=pid)) == 1


def test_cancel_a_draft_and_an_active_proposal(client, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    author = m["a"]
    draft = create(client, dao, author)["slug"]
    active = create(client, dao, author)["slug"]
    act(client, dao, active, "activate", author)
    for pslug in (draft, active):
        first = act(client, dao, pslug, "cancel", author)
        again = act(client, dao, pslug, "cancel", owner)
        assert (first["result"]["changed"], again["result"]["changed"]) == (True, False)
        assert detail(client, dao, pslug, owner)["status"] == "canceled"
    response = client.post(url(dao, active, "/votes"), json={"choice": "yes"}, headers=auth(author))
    assert response.status_code == 409 and response.get_json()["code"] == "voting_closed"


def test_outcomes_passed_rejected_expired_and_the_tie_at_the_threshold(client, worker):
    dao, owner, m = dao_with_members({"a": "1", "b": "1", "c": "1"}, quorum_percent="50")
    cases = {  # owner + a, b, c: W = 4, quorum 50 % = 2 ballots
        "passed": {"a": "yes", "b": "no"},  # a tie at the 50 % threshold passes
        "rejected": {"a": "yes", "b": "no", "c": "no"},
        "expired": {"a": "yes"},
        "all-abstain": {"a": "abstain", "b": "abstain"},
    }
    slugs = {name: create(client, dao, owner, title=name)["slug"] for name in cases}
    for name, ballots in cases.items():
        act(client, dao, slugs[name], "activate", owner)
        for voter, choice in ballots.items():
            vote(client, dao, slugs[name], m[voter], choice)
        act(client, dao, slugs[name], "close", owner)
    results = {name: detail(client, dao, slugs[name], owner)["result"] for name in cases}
    assert {name: r["outcome"] for name, r in results.items()} == {
        "passed": "passed", "rejected": "rejected", "expired": "expired", "all-abstain": "rejected",
    }
    assert results["passed"]["support"] == "0.50000000"
    assert results["all-abstain"]["support"] is None and results["all-abstain"]["quorum_reached"] is True
    assert results["expired"]["participation"] == "0.25000000"


def test_no_voting_power_at_all_expires_even_with_every_vote_cast(client, worker):
    dao = make_dao(governance_model="weighted")
    owner = dao.owner_subject_id
    add_member(dao, owner, role="owner", voting_power=Decimal(0))
    pslug = create(client, dao, owner)["slug"]
    act(client, dao, pslug, "activate", owner)
    vote(client, dao, pslug, owner, "yes")
    act(client, dao, pslug, "close", owner)
    result = detail(client, dao, pslug, owner)["result"]
    assert (result["total_weight"], result["quorum_reached"], result["outcome"]) == ("0.00000000", False, "expired")


def test_finalized_event_carries_the_stored_tally(client, worker):
    dao, owner, m = dao_with_members({"a": "2"}, governance_model="weighted")
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], m["a"], "yes")
    job = client.post(url(dao, proposal["slug"], "/close"), headers=auth(owner, **WAIT)).get_json()
    [event] = events(dao.id, "proposal_finalized", proposal_id=proposal["id"])
    stored = proposal_row(proposal["id"])
    assert event.payload["data"]["tally"] == stored.result == job["result"]["result"]
    assert stored.result["yes"] == "2.00000000" and stored.status == "passed"
    assert stored.finalized_at is not None
