"""The running sums of the live tally (services.vote_totals, issue 14) equal the recount from the
votes after any sequence of votes and vote changes, under each model and voting type.

Each example writes one active proposal per model over a random snapshot (as
test_tally_agreement does), then records rounds of random ballots of random snapshot members
through the vote batch itself (services.ballots.record_votes, vote change allowed: a later round
changes a voter's vote, and a round may hold several ballots of one voter). After every round the
live tally (services.tally.current_tally, from the sums) and the recount (services.tally.tallies,
from the votes) agree figure by figure, and check_recount finds no mismatch. The delegated model
and ranked_choice keep no sums (their live tally is the recount). Rolled back at the end.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Dao, Job
from services import vote_totals
from services.ballots import record_votes
from services.tally import check_recount, current_tally, tallies
from tests.voting.test_tally_agreement import figures, recorded_elections, rolled_back, write_proposals

BASIC_BALLOTS = [{"choice": c} for c in ("yes", "no", "abstain")]


@pytest.fixture(scope="module")
def dao_id():
    from tests.factories import make_dao

    return make_dao().id


def vote_jobs(round_ballots, start: datetime) -> list[Job]:
    """Transient vote jobs as the API records them, submitted in the order of the round."""
    return [Job(id=uuid.uuid4(), kind="cast_vote", status="queued", actor=voter, request=ballot,
                submitted_at=start + timedelta(microseconds=index))
            for index, (voter, ballot) in enumerate(round_ballots)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(election=recorded_elections(), data=st.data())
def test_the_running_sums_equal_the_recount_after_random_vote_changes(dao_id, election, data):
    voting_type, options, voters, ballots, quorum, threshold = election
    members = [v.subject_id for v in voters]
    pool = list(ballots.values()) or (BASIC_BALLOTS if voting_type == "basic" else [])
    if not members or not pool:
        return
    rounds = data.draw(st.lists(
        st.lists(st.tuples(st.sampled_from(members), st.sampled_from(pool)), max_size=8), min_size=1, max_size=4))
    with rolled_back() as session:
        by_model = write_proposals(session, dao_id, voting_type, options, voters, {}, quorum, threshold)
        dao = session.get(Dao, dao_id)
        start = datetime.now(timezone.utc)
        for number, round_ballots in enumerate(rounds):
            jobs = vote_jobs(round_ballots, start + timedelta(seconds=number))
            for proposal in by_model.values():
                if jobs:
                    record_votes(session, proposal, dao, jobs)
            recounted = tallies(session, list(by_model.values()))
            for model, proposal in by_model.items():
                assert figures(current_tally(session, proposal)) == figures(recounted[proposal.id]), (
                    voting_type, model, number)
                assert (vote_totals.read(session, proposal.id) is not None) == vote_totals.maintained(proposal)
            assert check_recount(session, by_model.values(), recounted) == 0


def test_a_mismatch_is_logged_and_counted(dao_id, caplog):
    from infra.metrics import TALLY_MISMATCH_KEY
    from infra.redis import redis_client

    voters = [type("V", (), {"subject_id": "user:a", "power": 1, "delegate_id": None})()]
    with rolled_back() as session:
        by_model = write_proposals(session, dao_id, "basic", (), voters, {}, 0, 50)
        proposal = by_model["simple"]
        record_votes(session, proposal, session.get(Dao, dao_id), vote_jobs([("user:a", {"choice": "yes"})],
                                                                              datetime.now(timezone.utc)))
        session.execute(vote_totals.VoteTotal.__table__.update().where(
            vote_totals.VoteTotal.proposal_id == proposal.id, vote_totals.VoteTotal.label == "yes"
        ).values(count=2))
        before = int(redis_client().get(TALLY_MISMATCH_KEY) or 0)
        assert check_recount(session, [proposal], tallies(session, [proposal])) == 1
        assert int(redis_client().get(TALLY_MISMATCH_KEY) or 0) == before + 1
        assert "tally mismatch" in caplog.text
