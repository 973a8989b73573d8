"""The SQL tally and the pure tally agree (issue 10, STYLE "Where a rule appears in SQL"): for
random snapshots and ballots of every voting type, `services.tally` over rows in the real
Postgres gives, figure by figure, what `governance.tally.tally` (the definition, SPEC 5.3, 5.6)
gives over the same values, under each of the four models.

Each example writes one proposal per model, as activation and the vote tasks leave them: the
snapshot rows with the power, the model weight (`model_weight`) and the delegate frozen at
activation; a vote row per ballot of a snapshot member, carrying its frozen weight (no other
subject's vote is ever recorded: services/ballots.py). The four are tallied together, as the
finalize sweep does (one GROUP BY for many proposals; delegated through the rows), both with the
snapshot's total weight recorded (proposals.snapshot_total_weight, as activation records it) and
without it (summed from the snapshot rows), and each is also recomputed under the three other
models (`?model=`). Rows are bulk-inserted in a
transaction that is rolled back, so nothing stays behind.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from governance.ballots import recorded_choice, validate_ballot
from governance.power import exact_sum, model_weight
from governance.vocabulary import GOVERNANCE_MODELS as MODELS, VOTING_TYPES
from governance.tally import tally
from infra.db import session_factory
from models import Proposal, ProposalVoter, Vote
from services.tally import current_tally, tallies
from tests.conftest import unique
from tests.factories import make_dao
from tests.rules.test_tally_properties import elections as basic_elections
from tests.rules.test_voting_types_properties import elections as option_elections

PERCENTS = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def recorded_elections(draw):
    """(voting type, options, snapshot voters, ballots, quorum percent, pass threshold percent),
    the snapshots and ballots of the rules' own property tests, keeping the ballots a vote row
    can hold: those of snapshot members, normalized as the API stores them."""
    voting_type = draw(st.sampled_from(VOTING_TYPES))
    if voting_type == "basic":
        options, (voters, ballots) = (), draw(basic_elections())
        ballots = {subject: {"choice": choice} for subject, choice in ballots.items()}
    else:
        _, options, voters, ballots = draw(option_elections(voting_types=(voting_type,)))
    members = {v.subject_id for v in voters}
    ballots = {s: validate_ballot(voting_type, options, b) for s, b in ballots.items() if s in members}
    return voting_type, options, voters, ballots, draw(PERCENTS), draw(PERCENTS)


@pytest.fixture(scope="module")
def dao_id():
    return make_dao().id


@contextmanager
def rolled_back():
    with session_factory()() as session:
        session.begin()
        try:
            yield session
        finally:
            session.rollback()


def write_proposals(session, dao_id, voting_type, options, voters, ballots, quorum, threshold) -> dict[str, Proposal]:
    """One active proposal per model over the same snapshot and ballots: model -> proposal; its
    snapshot_total_weight is the sum of the model weights, as activation records it."""
    now = datetime.now(timezone.utc)
    proposals = session.scalars(insert(Proposal).returning(Proposal), [{
        "dao_id": dao_id, "slug": unique(model), "title": model, "created_by": "user:author", "status": "active",
        "start_at": now, "end_at": now + timedelta(hours=1), "activated_at": now, "effective_model": model,
        "effective_quorum_percent": quorum, "effective_pass_threshold": threshold,
        "effective_allow_vote_change": True, "effective_voting_type": voting_type,
        "options": list(options) or None, "effective_ballot_secrecy": "public",
    } for model in MODELS]).all()
    by_model = {p.effective_model: p for p in proposals}
    snapshot, votes = [], []
    for model, proposal in by_model.items():
        weights = {v.subject_id: model_weight(model, v.power) for v in voters}
        snapshot += [{
            "proposal_id": proposal.id, "subject_id": v.subject_id, "subject_type": "user", "power": v.power,
            "weight": weights[v.subject_id], "delegate_id": v.delegate_id,
        } for v in voters]
        proposal.snapshot_total_weight = exact_sum(weights.values())
        powers = {v.subject_id: v.power for v in voters}
        votes += [{
            "proposal_id": proposal.id, "voter_id": voter, "ballot": ballot,
            "choice": recorded_choice(voting_type, ballot), "raw_power": powers[voter],
            "weight": weights[voter], "submitted_at": now,
        } for voter, ballot in ballots.items()]
    if snapshot:
        session.execute(insert(ProposalVoter), snapshot)
    if votes:
        session.execute(insert(Vote), votes)
    session.flush()
    return by_model


def figures(result) -> dict:
    """Every figure of a tally, and the JSON it is served and stored as."""
    return {**asdict(result), "json": result.to_json()}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=recorded_elections())
def test_the_sql_tally_and_the_pure_tally_agree_for_every_voting_type_under_every_model(dao_id, election):
    voting_type, options, voters, ballots, quorum, threshold = election
    with rolled_back() as session:
        by_model = write_proposals(session, dao_id, voting_type, options, voters, ballots, quorum, threshold)
        summed = tallies(session, list(by_model.values()))
        for proposal in by_model.values():  # without the total recorded at activation: the SUM
            proposal.snapshot_total_weight = None
        unrecorded = tallies(session, list(by_model.values()))
        for model, proposal in by_model.items():
            expected = tally(model, quorum, threshold, voters, ballots, voting_type, options)
            assert figures(summed[proposal.id]) == figures(expected), (voting_type, model)
            assert figures(unrecorded[proposal.id]) == figures(expected), (voting_type, model)
            for other in MODELS:
                if other != model:
                    compared = current_tally(session, proposal, other)
                    pure = tally(other, quorum, threshold, voters, ballots, voting_type, options)
                    assert figures(compared) == figures(pure), (voting_type, other)
