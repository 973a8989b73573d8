"""The scheduler (SPEC 5.1, issue 3 item 6) with a real beat (interval 1 s) and the real worker:
drafts open at start_at, proposals close at end_at under every model, concurrent finalizations
give one result and one event (in the database and on NATS), deadlines missed while nothing ran
are caught up on the next sweep."""

import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, update

from models import Proposal
from infra.db import transaction
from tasks.scheduler import finalize_due
from tests.conftest import auth, unique
from tests.factories import delegate
from tests.natsutil import fetch_events
from tests.proposals.helpers import (
    act, create, dao_with_members, detail, events, in_seconds, proposal_row, url, vote, wait_status,
)
from tests.stack import start_beat

OUTCOMES = ("passed", "rejected", "expired")


@pytest.fixture(scope="module")
def beat(stack, log_dir, worker):
    process = start_beat(stack, log_dir, interval=1)
    yield process
    process.stop()


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_deadlines_missed_while_nothing_ran_are_caught_up_by_the_first_sweep(client, worker, request):
    dao, owner, m = dao_with_members({"a": "1"})
    overdue = create(client, dao, owner, end_at=in_seconds(30))["slug"]
    act(client, dao, overdue, "activate", owner)
    # Beyond the horizon of the deadline sweeps when activated (services.deadlines), then moved
    # to a second from now: no sweep was sent for it, as if it had passed while nothing ran.
    with_deadline = create(client, dao, owner, end_at=in_seconds(3600))
    act(client, dao, with_deadline["slug"], "activate", owner)
    vote(client, dao, with_deadline["slug"], m["a"], "yes")
    with transaction() as session:
        session.execute(update(Proposal).where(Proposal.id == with_deadline["id"])
                        .values(end_at=func.now() + timedelta(seconds=1)))
    with_deadline = with_deadline["slug"]
    due_draft = create(client, dao, owner, start_at=in_seconds(0.5))["slug"]
    time.sleep(1.2)  # both deadlines pass with no beat running
    assert detail(client, dao, due_draft, owner)["status"] == "draft"

    request.getfixturevalue("beat")

    assert wait_status(client, dao, with_deadline, owner, OUTCOMES)["status"] == "passed"
    opened = wait_status(client, dao, due_draft, owner, ["active"])
    assert ts(opened["start_at"]) >= ts(opened["activated_at"])
    assert detail(client, dao, overdue, owner)["status"] == "active"


def test_whole_lifecycle_under_each_model(client, worker, beat):
    # Members a(1), b(4), c(9), d(12) and the owner(1); c delegates to b, a to b. a and b vote
    # yes, d votes no, c and the owner do not vote.
    expected = {
        "simple": ("passed", "5.00000000", "2.00000000", "1.00000000", 3),
        "weighted": ("rejected", "27.00000000", "5.00000000", "12.00000000", 3),
        "quadratic": ("rejected", "10.46410162", "3.00000000", "3.46410162", 3),
        "delegated": ("passed", "27.00000000", "14.00000000", "12.00000000", 4),
    }
    daos = {}
    for model in expected:
        dao, owner, m = dao_with_members({"a": "1", "b": "4", "c": "9", "d": "12"}, governance_model=model)
        delegate(dao, m["c"], m["b"])
        delegate(dao, m["a"], m["b"])
        daos[model] = (dao, owner, m)
    start, end = in_seconds(1.5), in_seconds(5)
    setups = {model: (dao, owner, m, create(client, dao, owner, start_at=start, end_at=end))
              for model, (dao, owner, m) in daos.items()}

    for model, (dao, owner, m, proposal) in setups.items():
        opened = wait_status(client, dao, proposal["slug"], owner, ["active"])
        # start_at = max(start_at, the activation time); end_at as given
        assert ts(opened["start_at"]) == ts(opened["activated_at"]) >= ts(start)
        assert (opened["end_at"], opened["effective_model"]) == (end, model)
        for voter, choice in (("a", "yes"), ("b", "yes"), ("d", "no")):
            assert vote(client, dao, proposal["slug"], m[voter], choice)["status"] == "succeeded"

    for model, (dao, owner, m, proposal) in setups.items():
        closed = wait_status(client, dao, proposal["slug"], owner, OUTCOMES)
        result = closed["result"]
        figures = (closed["status"], result["total_weight"], result["yes"], result["no"], result["voters"])
        assert figures == expected[model], model
        assert result["model"] == model and closed["tally"] == result
        lag = (ts(closed["finalized_at"]) - ts(closed["end_at"])).total_seconds()
        assert 0 <= lag < 4, lag
        changes = [(e.payload["data"]["from_status"], e.payload["data"]["to_status"], e.actor)
                   for e in events(dao.id, "proposal_status_changed", proposal_id=proposal["id"])]
        assert changes == [("draft", "active", "system:scheduler"),
                           ("active", closed["status"], "system:scheduler")]


def test_concurrent_finalizations_give_one_result_and_one_event(client, worker, beat, stack, log_dir):
    dao, owner, m = dao_with_members({"a": "1", "b": "1"})
    proposal = create(client, dao, owner, end_at=in_seconds(2))
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], m["a"], "yes")
    second_beat = start_beat(stack, log_dir, interval=1)  # two beats sweeping at once
    try:
        end = ts(detail(client, dao, proposal["slug"], owner)["end_at"])
        time.sleep(max(0.0, (end - ts(in_seconds(0))).total_seconds()))  # then all at once:
        sweeps = [threading.Thread(target=finalize_due) for _ in range(3)]
        closes = [client.post(url(dao, proposal["slug"], "/close"), headers=auth(owner)) for _ in range(2)]
        for thread in sweeps:
            thread.start()
        for thread in sweeps:
            thread.join()
        closed = wait_status(client, dao, proposal["slug"], owner, OUTCOMES)
        time.sleep(2.5)  # more sweeps of both beats pass over it
    finally:
        second_beat.stop()
    assert all(r.status_code == 202 for r in closes)
    assert closed["status"] == "passed"
    finalized = events(dao.id, "proposal_finalized", proposal_id=proposal["id"])
    assert len(finalized) == 1 and finalized[0].payload["data"]["tally"] == closed["result"]
    assert [e.payload["data"]["to_status"] for e in
            events(dao.id, "proposal_status_changed", proposal_id=proposal["id"])] == ["active", "passed"]
    published = fetch_events(stack.nats_url, f"dao.{dao.slug}.proposal_finalized", count=2, timeout=3)
    assert [p["id"] for p in published] == [str(finalized[0].id)]
    assert published[0]["data"]["tally"]["outcome"] == "passed"


def test_only_drafts_that_can_open_are_activated(client, worker, beat):
    dao, owner, m = dao_with_members({})
    closed_dao, closed_owner, _ = dao_with_members({})
    due = create(client, dao, owner, start_at=in_seconds(0.2))["slug"]
    expired = create(client, dao, owner, start_at=in_seconds(60), end_at=in_seconds(61))["slug"]
    with transaction() as session:  # a window that closed while it was a draft, without a race
        session.execute(update(Proposal).where(Proposal.dao_id == dao.id, Proposal.slug == expired).values(
            start_at=Proposal.start_at - timedelta(seconds=120), end_at=Proposal.end_at - timedelta(seconds=120)))
    in_closed_dao = create(client, closed_dao, closed_owner, start_at=in_seconds(0.2))["slug"]
    assert client.delete(f"/api/v1/daos/{closed_dao.slug}", headers=auth(closed_owner)).status_code == 204
    assert wait_status(client, dao, due, owner, ["active"])["status"] == "active"
    time.sleep(1.5)
    assert detail(client, dao, expired, owner)["status"] == "draft"
    assert detail(client, closed_dao, in_closed_dao, closed_owner)["status"] == "draft"


def test_auto_execute_after_the_scheduler_finalizes(client, worker, beat):
    dao, owner, m = dao_with_members({})
    newcomer = unique("user:auto")
    proposal = create(client, dao, owner, end_at=in_seconds(1.5), action_payload={
        "auto_execute": True, "actions": [{"type": "add_member", "subject_id": newcomer, "role": "observer"}],
    })
    act(client, dao, proposal["slug"], "activate", owner)
    vote(client, dao, proposal["slug"], owner, "yes")
    assert wait_status(client, dao, proposal["slug"], owner, ["executed"])["status"] == "executed"
    member = client.get(f"/api/v1/daos/{dao.slug}/members/{newcomer}", headers=auth(owner)).get_json()
    assert (member["status"], member["role"]) == ("active", "observer")


def test_a_proposal_that_cannot_be_finalized_does_not_hold_up_the_others(client, worker):
    dao, owner, _ = dao_with_members({})
    good, broken = (create(client, dao, owner, end_at=in_seconds(1)) for _ in range(2))
    for proposal in (good, broken):
        act(client, dao, proposal["slug"], "activate", owner)
    with transaction() as session:  # a row the tally cannot handle
        session.execute(update(Proposal).where(Proposal.id == broken["id"]).values(effective_model=None))
    try:
        time.sleep(1.2)  # both deadlines pass
        finalize_due()
        assert detail(client, dao, good["slug"], owner)["status"] in OUTCOMES
        assert proposal_row(broken["id"]).status == "active"
    finally:
        with transaction() as session:
            session.execute(update(Proposal).where(Proposal.id == broken["id"]).values(status="canceled"))


def test_a_sweep_that_finds_a_backlog_calls_for_help_once(monkeypatch):
    """Pure unit of the sweep loop: the claims are stand-ins; the rule is when help is asked."""
    from types import SimpleNamespace

    import tasks.scheduler as scheduler

    def ids(*numbers):
        return [SimpleNamespace(id=n) for n in numbers]

    batches = [ids(1, 2), ids(3, 4), ids(5)]
    monkeypatch.setattr(scheduler, "claim_due", lambda session, name, size, skip: batches.pop(0))
    calls = []
    done = scheduler._sweep("finalize", 2, lambda session, claimed: len(claimed), on_backlog=lambda: calls.append(1))
    assert done == 5
    assert calls == [1]
    batches[:] = [ids(1)]
    scheduler._sweep("finalize", 2, lambda session, claimed: len(claimed), on_backlog=lambda: calls.append(1))
    assert calls == [1]  # no backlog, no helper
