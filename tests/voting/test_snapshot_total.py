"""The snapshot's total weight recorded at activation (proposals.snapshot_total_weight,
services.snapshot.take_snapshot) equals the SUM of the snapshot rows' weights under each model
(quadratic: square roots rounded to 8 places, summed exactly), and the tally reads it: the same
result with it as without it (summed from the rows), and so do the running sums' snapshot row
(services.vote_totals), which copies it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from governance.power import exact_sum, model_weight
from governance.vocabulary import GOVERNANCE_MODELS
from infra.db import transaction
from models import Proposal, ProposalVoter, VoteTotal
from services.drafts import create_proposal
from services.lifecycle import run_transition
from services import vote_totals
from services.tally import tallies
from tests.factories import add_member, make_dao

POWERS = [Decimal("1"), Decimal("2"), Decimal("3.5"), Decimal("7"), Decimal("10.12345678")]


@pytest.mark.parametrize("model", GOVERNANCE_MODELS)
def test_activation_records_the_sum_of_the_snapshot_weights(model):
    dao = make_dao(governance_model=model)
    for index, power in enumerate(POWERS):
        add_member(dao, f"user:total-{model}-{index}", voting_power=power)
    with transaction() as session:
        proposal = create_proposal(session, dao, author=dao.owner_subject_id, fields={"title": f"Total {model}"})
    with transaction() as session:
        run_transition(session, proposal.id, "activate", actor=dao.owner_subject_id)
    with transaction() as session:
        proposal = session.get(Proposal, proposal.id)
        of_proposal = ProposalVoter.proposal_id == proposal.id
        summed = session.scalar(select(func.sum(ProposalVoter.weight)).where(of_proposal))
        powers = session.scalars(select(ProposalVoter.power).where(of_proposal)).all()
        assert set(POWERS) <= set(powers)
        assert proposal.snapshot_total_weight == summed
        assert summed == exact_sum(model_weight(model, p) for p in powers)
        recorded = tallies(session, [proposal])[proposal.id]
        if vote_totals.maintained(proposal):  # the running sums' snapshot row copies the column
            proposal.snapshot_total_weight = marked = summed + Decimal("0.00000001")
            session.flush()
            assert vote_totals.live_sums(session, proposal)[1] == marked
            session.execute(delete(VoteTotal).where(VoteTotal.proposal_id == proposal.id))
        proposal.snapshot_total_weight = None  # not recorded: both sum the snapshot rows
        session.flush()
        assert tallies(session, [proposal])[proposal.id] == recorded
        assert recorded.total_weight == summed
        if vote_totals.maintained(proposal):
            assert vote_totals.live_sums(session, proposal)[1] == summed
        session.rollback()
