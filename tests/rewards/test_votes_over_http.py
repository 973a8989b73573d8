"""Rewards for real votes cast over HTTP (SPEC 5.4): API -> vote job -> vote_cast event ->
bridge -> NATS -> consumer process -> reward task -> ledger, exactly once per voter and proposal."""

from decimal import Decimal

import pytest

from tests.proposals.helpers import act, create, dao_with_members, events, vote
from tests.rewards.helpers import handled, published, rewards_of, start_consumer, wait_until

pytestmark = pytest.mark.usefixtures("worker")


def active_proposal(client, dao) -> dict:
    proposal = create(client, dao, dao.owner_subject_id)
    act(client, dao, proposal["slug"], "activate", dao.owner_subject_id)
    return proposal


def vote_cast_ids(dao, proposal) -> list[str]:
    return [str(e.id) for e in events(dao.id, "vote_cast", proposal_id=proposal["id"])]


def test_a_vote_changed_three_times_over_http_pays_once(client, consumer, worker):
    dao, owner, m = dao_with_members({"a": "1"})
    proposal = active_proposal(client, dao)
    for choice in ("yes", "no", "abstain"):
        assert vote(client, dao, proposal["slug"], m["a"], choice)["status"] == "succeeded"
    cast = vote_cast_ids(dao, proposal)
    assert len(cast) == 3
    wait_until(lambda: all(handled(worker, e) == 1 for e in cast), what="the three reward tasks")
    assert [(r.amount, r.reference_id) for r in rewards_of(m["a"])] == [(Decimal("0.1"), proposal["id"])]


def test_votes_cast_while_the_consumer_is_down_are_paid_once_after_it_restarts(
        client, stack, log_dir, consumer, worker):
    consumer.stop()
    dao, owner, m = dao_with_members({f"v{i}": "1" for i in range(6)})
    proposal = active_proposal(client, dao)
    for subject in m.values():
        assert vote(client, dao, proposal["slug"], subject, "yes")["status"] == "succeeded"
    assert vote(client, dao, proposal["slug"], m["v0"], "no")["status"] == "succeeded"  # a change
    cast = vote_cast_ids(dao, proposal)
    wait_until(lambda: published(cast), what="the vote_cast events on NATS")
    assert all(rewards_of(subject) == [] for subject in m.values())

    restarted = start_consumer(stack, log_dir)
    try:
        wait_until(lambda: all(handled(worker, e) == 1 for e in cast), what="the catch-up")
    finally:
        restarted.stop()
    for subject in m.values():
        assert [(r.amount, r.reference_id) for r in rewards_of(subject)] == [(Decimal("0.1"), proposal["id"])]
    assert rewards_of(owner) == []  # the owner did not vote
