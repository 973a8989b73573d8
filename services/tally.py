"""The tally of proposals from the database (SPEC 5.3, 5.6), and what finalization waits for (5.2).

For simple, weighted and quadratic proposals of the basic, single_choice and approval types the
sums are computed by Postgres (votes carry the weight frozen in the snapshot), so no vote is ever
held in Python: the weight and count per recorded choice (basic choices, abstentions) and the
weight per option (a single_choice ballot's choice, each option an approval ballot approves);
governance.tally.decide and governance.scores.decide_options turn the sums into the result.
Delegated proposals need the delegation graph and ranked_choice ones the rankings, round by
round: the snapshot and the ballots are loaded and counted by governance.tally.tally. Comparing
models (`?model=`) also recomputes from the rows. For a batch (finalization) `tallies` takes the
whole batch at once: two statements for the summed proposals (the snapshot's total weight is
recorded at activation: proposals.snapshot_total_weight), two (`counted_rows`: the
snapshots and the ballots of them all) for the others, which finalization loads once and also
hands to the receipts. tests/voting/test_tally_agreement.py proves
the SQL and the pure tally agree.

The live tally (`current_tally`, the tally route, late-quorum and early-pass checks) of a
proposal summed in SQL reads its running sums instead (services.vote_totals: O(1), kept in the
votes' transactions) and decides them the same way (`decide_sums`); `tallies()`, which
finalization runs, recounts from the votes, and `check_recount` compares the two: a mismatch
(which must never happen) is logged as an error and counted in the metric
governance_tally_recount_mismatches (infra.metrics).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Text, cast, exists, func, select, true

from governance.power import exact_sum
from governance.receipts import Ballot
from governance.scores import decide_options
from governance.lifecycle import voting_ends_at
from governance.tally import SnapshotVoter, TallyResult, decide, tally
from governance.vocabulary import ABSTAIN, UNFINISHED_JOB_STATUSES, VOTE_CHOICES
from infra.db import among
from infra.metrics import count_tally_mismatch
from models import Job, Proposal, ProposalVoter, Vote
from services import vote_totals
from services.jobs import VOTE_JOB_KIND

log = logging.getLogger(__name__)



def pending_votes_clause(proposal=Proposal):
    """SQL: a vote job for the proposal, submitted before its voting ended (end_at, or the close
    when earlier), is still queued or running (finalization must wait for it: SPEC 5.2). Served
    by the index jobs(kind, target_id, status)."""
    return exists().where(
        Job.kind == VOTE_JOB_KIND,
        Job.target_id == cast(proposal.id, Text),
        Job.status.in_(UNFINISHED_JOB_STATUSES),
        Job.submitted_at < func.least(proposal.end_at, proposal.closed_at),  # least() skips NULL
    )


def waiting_for_votes(session, proposals: Iterable[Proposal]) -> set[uuid.UUID]:
    """Ids of the proposals among `proposals` that still have a vote job to wait for.

    Called with the proposal rows locked FOR UPDATE: a vote request takes a KEY SHARE lock on its
    proposal while recording its job, so no job can appear for them until we commit, and every
    job recorded before is visible to this statement."""
    by_key = {str(p.id): p for p in proposals}
    if not by_key:
        return set()
    rows = session.execute(
        select(Job.target_id, func.min(Job.submitted_at))
        .where(
            Job.kind == VOTE_JOB_KIND,
            among(Job.target_id, by_key),
            Job.status.in_(UNFINISHED_JOB_STATUSES),
        )
        .group_by(Job.target_id)
    )
    return {by_key[key].id for key, first in rows
            if first < voting_ends_at(by_key[key].end_at, by_key[key].closed_at)}


def _frozen(proposal: Proposal) -> tuple[str, Decimal, Decimal]:
    return (
        proposal.effective_model,
        proposal.effective_quorum_percent,
        proposal.effective_pass_threshold,
    )


def _option_sums(session, proposals: list[Proposal]) -> dict[uuid.UUID, dict[str, Decimal]]:
    """proposal -> option -> the summed weight of the non-abstaining ballots naming it (a
    single_choice ballot's choice, every option an approval ballot approves), in one statement."""
    sums: dict[uuid.UUID, dict[str, Decimal]] = {p.id: {} for p in proposals}
    if not sums:
        return sums
    named = vote_totals.named_options()
    option = named.c.value
    for proposal_id, label, weight in session.execute(
        select(Vote.proposal_id, option, func.sum(Vote.weight))
        .select_from(Vote)
        .join(named, true())
        .where(among(Vote.proposal_id, sums), Vote.choice.is_(None))
        .group_by(Vote.proposal_id, option)
    ):
        sums[proposal_id][label] = weight
    return sums


def snapshot_totals(session, proposals: Iterable[Proposal]) -> dict[uuid.UUID, Decimal]:
    """proposal id -> the snapshot's total weight: proposals.snapshot_total_weight, recorded at
    activation (services.snapshot.take_snapshot); summed from proposal_voters, in one statement,
    only for the proposals where it is NULL (snapshot rows written otherwise than by activation)."""
    totals = {p.id: p.snapshot_total_weight for p in proposals}
    missing = [proposal_id for proposal_id, total in totals.items() if total is None]
    if missing:
        totals.update(session.execute(
            select(ProposalVoter.proposal_id, func.sum(ProposalVoter.weight))
            .where(among(ProposalVoter.proposal_id, missing))
            .group_by(ProposalVoter.proposal_id)
        ).all())
    return {proposal_id: total or Decimal(0) for proposal_id, total in totals.items()}


def _summed(session, proposals: list[Proposal]) -> dict[uuid.UUID, TallyResult]:
    """One GROUP BY over the votes by recorded choice and one over the options named, for many
    proposals at once; the snapshots' total weights as recorded at activation."""
    ids = [p.id for p in proposals]
    by_choice: dict[uuid.UUID, dict[str | None, tuple[Decimal, int]]] = {i: {} for i in ids}
    for proposal_id, choice, weight, count in session.execute(
        select(Vote.proposal_id, Vote.choice, func.sum(Vote.weight), func.count())
        .where(among(Vote.proposal_id, ids))
        .group_by(Vote.proposal_id, Vote.choice)
    ):
        by_choice[proposal_id][choice] = (weight, count)
    totals = snapshot_totals(session, proposals)
    options = _option_sums(session, [p for p in proposals if p.effective_voting_type != "basic"])
    return {
        proposal.id: decide_sums(proposal, by_choice[proposal.id], totals[proposal.id], options.get(proposal.id, {}))
        for proposal in proposals
    }


def decide_sums(proposal: Proposal, sums: dict, total_weight: Decimal, named: dict) -> TallyResult:
    """The tally of a proposal summed in SQL from its sums: recorded choice (None for none) ->
    (weight, count) of its votes, the snapshot's total weight, option -> weight of the
    non-abstaining ballots naming it."""
    voters = sum(count for _, count in sums.values())
    if proposal.effective_voting_type == "basic":
        figure = {c: sums.get(c, (Decimal(0), 0))[0] for c in VOTE_CHOICES}
        return decide(*_frozen(proposal), total_weight=total_weight, voters=voters, **figure)
    return decide_options(
        *_frozen(proposal), total_weight=total_weight, cast=exact_sum(w for w, _ in sums.values()),
        abstain=sums.get(ABSTAIN, (Decimal(0), 0))[0], voters=voters,
        voting_type=proposal.effective_voting_type,
        scores={option: named.get(option, Decimal(0)) for option in proposal.options},
    )


def _from_rows(session, proposal: Proposal, model: str) -> TallyResult:
    """The tally computed in Python from the snapshot and the ballots, under any model."""
    return _counted(proposal, counted_rows(session, [proposal]), model)


@dataclass(frozen=True)
class CountedRows:
    """The eligibility snapshot and the counted ballots (`votes` rows) of a batch of proposals,
    by proposal id: what the receipts commit to and what the delegated and ranked tallies count."""

    voters: dict[uuid.UUID, list[SnapshotVoter]]
    ballots: dict[uuid.UUID, list[Ballot]]


def snapshot_voters(session, proposal_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[SnapshotVoter]]:
    """The eligibility snapshot of each proposal, in one query."""
    ids = list(proposal_ids)
    found: dict[uuid.UUID, list[SnapshotVoter]] = {i: [] for i in ids}
    rows = session.execute(
        select(ProposalVoter.proposal_id, ProposalVoter.subject_id, ProposalVoter.power, ProposalVoter.delegate_id)
        .where(among(ProposalVoter.proposal_id, ids))
    )
    for proposal_id, subject_id, power, delegate_id in rows:
        found[proposal_id].append(SnapshotVoter(subject_id, power, delegate_id))
    return found


def stored_ballots(session, proposal_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Ballot]]:
    """The counted ballot of every voter of each proposal (its `votes` row), in one query."""
    ids = list(proposal_ids)
    found: dict[uuid.UUID, list[Ballot]] = {i: [] for i in ids}
    rows = session.execute(select(Vote.proposal_id, Vote.voter_id, Vote.ballot).where(among(Vote.proposal_id, ids)))
    for proposal_id, voter_id, ballot in rows:
        found[proposal_id].append(Ballot(voter_id, ballot))
    return found


def counted_rows(session, proposals: Iterable[Proposal]) -> CountedRows:
    """The snapshots and the ballots of `proposals`, in two queries."""
    ids = [p.id for p in proposals]
    return CountedRows(snapshot_voters(session, ids), stored_ballots(session, ids))


def _counted(proposal: Proposal, rows: CountedRows, model: str | None = None) -> TallyResult:
    """The tally computed in Python from the proposal's loaded snapshot and ballots, under its
    model or `model`."""
    _, quorum, threshold = _frozen(proposal)
    ballots = {b.voter_id: b.ballot for b in rows.ballots[proposal.id]}
    return tally(model or proposal.effective_model, quorum, threshold, rows.voters[proposal.id], ballots,
                 proposal.effective_voting_type, proposal.options or ())


def tallies(session, proposals: list[Proposal], rows: CountedRows | None = None) -> dict[uuid.UUID, TallyResult]:
    """The current tally of each activated proposal under its frozen settings: model, quorum,
    threshold, voting type and options. Set-wise: the summed proposals in two statements
    whatever their number; the delegated and ranked ones from `rows` (loaded in two statements
    for them when not given)."""
    summed = [p for p in proposals if vote_totals.maintained(p)]
    results = _summed(session, summed) if summed else {}
    counted = [p for p in proposals if not vote_totals.maintained(p)]
    if counted:
        rows = rows or counted_rows(session, counted)
        results.update((p.id, _counted(p, rows)) for p in counted)
    return results


def current_tally(session, proposal: Proposal, model: str | None = None) -> TallyResult:
    """The tally of one activated proposal now, optionally under another `model` for comparison
    (same snapshot, same ballots, same quorum, threshold, voting type and options)."""
    if model is None or model == proposal.effective_model:
        if vote_totals.maintained(proposal):
            return decide_sums(proposal, *vote_totals.live_sums(session, proposal))
        return tallies(session, [proposal])[proposal.id]
    return _from_rows(session, proposal, model)


def check_recount(session, proposals: Iterable[Proposal], results: dict[uuid.UUID, TallyResult]) -> int:
    """After finalization recounted `results` (proposal id -> TallyResult) from the votes: compare
    each maintained proposal's running sums (when it has any; one statement for all) with its
    recount; log an error and count the metric for each mismatch. The number of mismatches."""
    checked = [p for p in proposals if vote_totals.maintained(p) and p.id in results]
    sums = vote_totals.read_many(session, [p.id for p in checked]) if checked else {}
    mismatches = 0
    for proposal in checked:
        if proposal.id not in sums:
            continue
        live = decide_sums(proposal, *sums[proposal.id])
        if live != results[proposal.id]:
            mismatches += 1
            log.error("tally mismatch for proposal %s: running sums %s, recount %s", proposal.id, live,
                      results[proposal.id])
    if mismatches:
        count_tally_mismatch(mismatches)
    return mismatches
