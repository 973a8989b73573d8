"""Finalization is set-wise (issue 14): a batch mixing every model and voting type, public and
secret, finalized together, gives each proposal what finalizing it alone gives: status, result,
receipt (its body but the chain head, which the bridge may move between the two runs) and the
events, in the order one proposal writes them (status change, proposal_finalized, then
ballots_revealed for a secret ballot)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update

from governance.ballots import validate_ballot
from governance.tally import SnapshotVoter
from governance.vocabulary import GOVERNANCE_MODELS, VOTING_TYPES
from models import Event, Proposal
from services.lifecycle import SCHEDULER, finalize
from tests.conftest import unique
from tests.factories import make_dao
from tests.voting.test_tally_agreement import rolled_back, write_proposals

OPTIONS = ("red", "green", "blue")
BALLOTS = {  # voter -> ballot per voting type; the voters delegate along a -> b -> c
    "basic": {"a": {"choice": "yes"}, "c": {"choice": "no"}, "d": {"choice": "abstain"}},
    "single_choice": {"a": {"choice": "green"}, "b": {"choice": "red"}, "d": {"choice": "abstain"}},
    "approval": {"a": {"choices": ["red", "blue"]}, "c": {"choices": ["blue"]}},
    "ranked_choice": {"a": {"ranking": ["blue", "red"]}, "b": {"ranking": ["red"]}, "d": {"ranking": ["green", "red"]}},
}


def election(voting_type: str, prefix: str):
    names = {n: f"user:{prefix}-{n}" for n in "abcd"}
    voters = [
        SnapshotVoter(names["a"], Decimal("4"), names["b"]), SnapshotVoter(names["b"], Decimal("1"), names["c"]),
        SnapshotVoter(names["c"], Decimal("2.5"), None), SnapshotVoter(names["d"], Decimal("9"), None),
    ]
    options = () if voting_type == "basic" else OPTIONS
    ballots = {names[n]: validate_ballot(voting_type, options, b) for n, b in BALLOTS[voting_type].items()}
    return voting_type, options, voters, ballots


def write_batch(session, dao_id) -> list[Proposal]:
    """Every model x voting type (16 proposals), with quorums that pass some and fail others;
    every other one a secret ballot."""
    proposals = []
    for n, voting_type in enumerate(VOTING_TYPES):
        quorum = Decimal(20 * n)
        by_model = write_proposals(session, dao_id, *election(voting_type, unique("v")), quorum, Decimal(50))
        proposals += [by_model[m] for m in GOVERNANCE_MODELS]
    secret = [p.id for p in proposals[::2]]
    session.execute(update(Proposal).where(Proposal.id.in_(secret)).values(effective_ballot_secrecy="secret_until_close"))
    session.flush()
    session.expire_all()
    return list(session.scalars(select(Proposal).where(Proposal.id.in_([p.id for p in proposals])).with_for_update()))


def outcome(session, proposal: Proposal) -> dict:
    session.refresh(proposal)
    body = {k: v for k, v in proposal.receipt["body"].items() if k != "chain_head"}
    events = session.execute(
        select(Event.type, Event.payload).where(Event.payload["data"]["proposal_id"].astext == str(proposal.id))
        .order_by(Event.seq)
    ).all()
    return {"status": proposal.status, "result": proposal.result, "receipt": body,
            "events": [(kind, payload["data"]) for kind, payload in events]}


def test_a_mixed_batch_finalizes_each_proposal_as_finalizing_it_alone_does(stack):
    dao_id = make_dao().id
    with rolled_back() as session:
        batch = write_batch(session, dao_id)
        alone = {}
        for proposal in batch:
            savepoint = session.begin_nested()
            assert finalize(session, [proposal], actor=SCHEDULER) == [proposal]
            alone[proposal.id] = outcome(session, proposal)
            savepoint.rollback()
            session.expire_all()
        assert {p.status for p in batch} == {"active"}
        assert finalize(session, batch, actor=SCHEDULER) == batch
        together = {p.id: outcome(session, p) for p in batch}
    assert together == alone
    statuses = {o["status"] for o in together.values()}
    assert {"passed", "expired"} <= statuses, statuses  # both sides of the quorum were exercised
    for o in together.values():
        kinds = [kind for kind, _ in o["events"]]
        secret = o["receipt"]["settings"]["ballot_secrecy"] == "secret_until_close"
        assert kinds == ["proposal_status_changed", "proposal_finalized"] + ["ballots_revealed"] * secret
