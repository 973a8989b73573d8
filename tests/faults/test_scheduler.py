"""Scheduler faults (issue 6): two beat processes at once, and a rush of votes just before a
deadline while the worker is paused, for a basic and for a ranked_choice proposal (issue 12)."""

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Event, Proposal, Vote
from tests.faults.checks import (
    CHOICES, assert_outbox_delivered_once, assert_rewarded_once, assert_votes_counted, submit_all,
    vote_requests, votes_path,
)
from tests.faults.harness import wait_until

pytestmark = pytest.mark.faults


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def transitions(s, dao_id) -> list[tuple[str, str, str]]:
    """(proposal id, event type, to_status) of every lifecycle event of the DAO."""
    rows = s.all(select(Event.type, Event.payload).where(
        Event.dao_id == dao_id, Event.type.in_(("proposal_status_changed", "proposal_finalized"))))
    return [(p["data"]["proposal_id"], t, p["data"].get("to_status", "")) for t, p in rows]


def test_two_beats_finalize_each_proposal_once_with_one_event_per_transition(fault_stack):
    s = fault_stack
    s.start_beat()
    s.start_worker()  # four worker processes take the duplicated sweeps side by side
    slug, owner = s.make_dao()
    voters = s.add_members(slug, 4)
    start = datetime.now(timezone.utc) + timedelta(seconds=2)
    proposals = []
    for _ in range(24):
        created = s.post(f"/api/v1/daos/{slug}/proposals", owner, {
            "title": "Scheduled", "start_at": iso(start), "end_at": iso(start + timedelta(seconds=5)),
        })
        assert created.status_code == 201, created.text
        proposals.append(created.json())
    ids = [p["id"] for p in proposals]
    statuses = select(Proposal.status).where(Proposal.id.in_(ids))
    wait_until(lambda: {st for st, in s.all(statuses)} == {"active"}, 20, "the scheduler to activate the drafts")
    submit_all(s, [req for p in proposals for req in vote_requests(slug, p["slug"], voters, dict.fromkeys(voters, "yes"))])
    wait_until(lambda: {st for st, in s.all(statuses)} == {"passed"}, 30, "the scheduler to finalize them")
    time.sleep(2)  # let further sweeps of both beats run over the finalized proposals

    seen = transitions(s, s.dao_id(slug))
    for proposal_id in ids:
        mine = sorted((t, to) for pid, t, to in seen if pid == proposal_id)
        assert mine == [("proposal_finalized", ""), ("proposal_status_changed", "active"),
                        ("proposal_status_changed", "passed")], mine
    messages = assert_outbox_delivered_once(s, slug)
    finalized = [m.payload["data"]["proposal_id"] for m in messages if m.payload["type"] == "proposal_finalized"]
    assert sorted(finalized) == sorted(ids)
    assert all(b.log().count("Sending due task finalize-due-proposals") >= 5 for b in s.beats)


RANKINGS = (["x", "y"], ["y", "x"], ["z", "y"])
BASIC = ({}, lambda i: {"choice": CHOICES[i % 3]})
# x > y, y > x, z > y in turn: round one x 334, y 333, z 333 (no majority of 1000; the tie for
# lowest goes against z, the later option); z's ballots move to y, which wins with 666.
RANKED = ({"voting_type": "ranked_choice", "options": ["x", "y", "z"]}, lambda i: {"ranking": RANKINGS[i % 3]})


def assert_basic_result(result):
    assert [Decimal(result[c]) for c in CHOICES] == [334, 333, 333]


def assert_ranked_result(result):
    assert result["options"] == {"x": "334.00000000", "y": "333.00000000", "z": "333.00000000"}
    assert [r["eliminated"] for r in result["rounds"]] == ["z", None]
    assert (result["winner"], result["rounds"][-1]["scores"]) == ("y", {"x": "334.00000000", "y": "666.00000000"})


@pytest.mark.parametrize("case, check", [(BASIC, assert_basic_result), (RANKED, assert_ranked_result)],
                         ids=["basic", "ranked_choice"])
def test_a_thousand_votes_before_the_deadline_with_the_worker_paused_all_count(fault_stack, case, check):
    s = fault_stack
    fields, ballot_of = case
    slug, owner = s.make_dao(quorum_percent="10")
    voters = s.add_members(slug, 1000)
    end_at = datetime.now(timezone.utc) + timedelta(seconds=12)  # 12 s for the activation and the votes (~3 s here)
    proposal = s.active_proposal(slug, owner, end_at=iso(end_at), **fields)
    ballots = {voter: ballot_of(i) for i, voter in enumerate(voters)}

    s.pause_workers(True)
    started = time.monotonic()
    requests_ = [(votes_path(slug, proposal["slug"]), voter, ballots[voter]) for voter in voters]
    accepted = submit_all(s, requests_, threads=32)
    print(f"1000 votes accepted in {time.monotonic() - started:.1f}s")
    assert datetime.now(timezone.utc) < end_at, "the votes must all be accepted before the deadline"
    wait_until(lambda: datetime.now(timezone.utc) > end_at + timedelta(seconds=2), 40, "the deadline")
    s.pause_workers(False)  # the worker meets 1000 votes and finalize sweeps at once

    finalized = select(Proposal.status, Proposal.result).where(Proposal.id == proposal["id"])
    status, result = wait_until(lambda: (row := s.all(finalized)[0])[0] != "active" and row, 60,
                                "the proposal to be finalized")
    jobs = s.wait_jobs_finished(accepted, timeout=30)
    assert set(jobs.values()) == {"succeeded"}
    if not fields:
        assert_votes_counted(s, slug, proposal, {voter: ballot["choice"] for voter, ballot in ballots.items()})
    assert dict(s.all(select(Vote.voter_id, Vote.ballot).where(Vote.proposal_id == proposal["id"]))) == ballots
    assert result["voters"] == 1000
    check(result)
    assert status == "passed"
    events = select(func.count()).select_from(Event).where(
        Event.dao_id == s.dao_id(slug), Event.type == "proposal_finalized")
    assert s.scalar(events) == 1
    messages = assert_outbox_delivered_once(s, slug)
    assert sum(1 for m in messages if m.payload["type"] == "vote_cast") == 1000
    s.wait_rewards(proposal["id"], 1000, timeout=60)
    assert_rewarded_once(s, proposal["id"], voters)
