"""Running sums of the votes (issue 14): the live tally in O(1).

For the proposals whose tally is a sum of weights frozen at the snapshot (models simple,
weighted and quadratic; voting types basic, single_choice and approval, whose scores are
per-option sums: governance.scores), the table vote_totals holds per proposal the weight and
count of the votes by recorded choice ('' for none), the weight and count of the non-abstaining
ballots by option named (a single_choice ballot's choice, each option an approval ballot
approves), and the snapshot's total weight: exactly the figures services.tally sums from the
votes. ranked_choice needs the rankings round by round and the delegated model its resolution
over snapshot and ballots: both keep reading the votes (`maintained` is false for them).

- The vote batch (services.ballots.record_votes) calls `lock_and_ensure` before it writes and
  `apply` after, in its transaction: a written vote adds its ballot, a changed vote subtracts
  the old one. The sums of a proposal are written under a transaction-level advisory lock on it,
  so two batches of one proposal add up in turn.
- A proposal's sums are computed from its votes the first time a batch or a live tally meets it
  (the `snapshot` row says they exist), so proposals voted on before the sums existed need no
  migration of their data.
- The tally counts every stored vote, a voter banned since the snapshot included (a ban refuses
  the voter's new votes, services.ballots; it removes no vote): so do the sums.
- The snapshot row's weight is copied from proposals.snapshot_total_weight (recorded at
  activation), the one source of the snapshot's total that services.tally also reads; its count
  is the snapshot's size.
- Finalization recounts from the votes and calls services.tally.check_recount, which compares
  the recount with these sums.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Integer, Numeric, Text, Uuid, bindparam, column, func, literal, select, true
from sqlalchemy.dialects.postgresql import JSONB, insert

from infra.db import among

from models import Proposal, ProposalVoter, Vote, VoteTotal

CHOICE, OPTION, SNAPSHOT = "choice", "option", "snapshot"


def maintained(proposal: Proposal) -> bool:
    """Whether the proposal's tally is a per-choice / per-option sum (and so kept in sums)."""
    return proposal.effective_model != "delegated" and proposal.effective_voting_type != "ranked_choice"


def named_options():
    """The lateral table of the options a vote's ballot names (`value`): its `choices`, or its
    `choice` as a one-element array."""
    return func.jsonb_array_elements_text(
        func.coalesce(Vote.ballot["choices"], func.jsonb_build_array(Vote.ballot["choice"]))
    ).table_valued("value").lateral("named")


def _options_of(ballot: dict) -> list[str]:
    """The options a ballot names, as named_options() reads them in SQL."""
    named = ballot["choices"] if "choices" in ballot else [ballot.get("choice")]
    return [option for option in named if option is not None]


def contributions(choice: str | None, ballot: dict, weight: Decimal) -> Iterable[tuple[str, str, Decimal]]:
    """(kind, label, weight) of one vote's part in the sums."""
    yield CHOICE, choice or "", weight
    if choice is None:
        for option in _options_of(ballot):
            yield OPTION, option, weight


def _lock(session, proposal_id) -> None:
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"vote_totals:{proposal_id}", 0))))


def _initialized(session, proposal_id) -> bool:
    return session.scalar(select(VoteTotal.count).where(
        VoteTotal.proposal_id == proposal_id, VoteTotal.kind == SNAPSHOT, VoteTotal.label == "")) is not None


def _initialize(session, proposal_id) -> None:
    """The sums computed from the votes and the snapshot (under the lock); the snapshot's total
    weight as recorded at activation (summed from its rows where it was not recorded, as
    services.tally.snapshot_totals does)."""
    table = VoteTotal.__table__
    columns = ["proposal_id", "kind", "label", "weight", "count"]
    by_choice = (
        select(Vote.proposal_id, literal(CHOICE), func.coalesce(Vote.choice, ""), func.sum(Vote.weight), func.count())
        .where(Vote.proposal_id == proposal_id).group_by(Vote.proposal_id, Vote.choice)
    )
    named = named_options()
    by_option = (
        select(Vote.proposal_id, literal(OPTION), named.c.value, func.sum(Vote.weight), func.count())
        .select_from(Vote).join(named, true())
        .where(Vote.proposal_id == proposal_id, Vote.choice.is_(None), named.c.value.is_not(None))
        .group_by(Vote.proposal_id, named.c.value)
    )
    recorded = select(Proposal.snapshot_total_weight).where(Proposal.id == proposal_id).scalar_subquery()
    snapshot = (
        select(literal(proposal_id), literal(SNAPSHOT), literal(""),
               func.coalesce(recorded, func.sum(ProposalVoter.weight), 0), func.count())
        .where(ProposalVoter.proposal_id == proposal_id)
    )
    for source in (by_choice, by_option, snapshot):
        session.execute(insert(table).from_select(columns, source))


def lock_and_ensure(session, proposal: Proposal) -> bool:
    """Before a vote batch writes: take the proposal's sums lock and compute its sums if they do
    not exist yet. False (nothing done) when the proposal's tally is not kept in sums."""
    if not maintained(proposal):
        return False
    _ensure(session, proposal.id)
    return True


def _ensure(session, proposal_id) -> None:
    """Take the proposal's sums lock; compute its sums from the votes if they do not exist yet."""
    _lock(session, proposal_id)
    if not _initialized(session, proposal_id):
        _initialize(session, proposal_id)


def old_votes(session, proposal: Proposal, voters) -> dict[str, tuple]:
    """voter -> (choice, ballot, weight) of the stored votes of `voters` (before a batch writes)."""
    return {voter: (choice, ballot, weight) for voter, choice, ballot, weight in session.execute(
        select(Vote.voter_id, Vote.choice, Vote.ballot, Vote.weight)
        .where(Vote.proposal_id == proposal.id, among(Vote.voter_id, voters))
    )}


def apply(session, proposal: Proposal, old: dict[str, tuple], new: dict[str, tuple]) -> None:
    """Add the votes written (`new`: voter -> (choice, ballot, weight)) and subtract the votes
    they replaced (`old`, same shape), in one statement."""
    delta: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), 0])
    for voter, vote in new.items():
        for kind, label, weight in contributions(*vote):
            delta[kind, label][0] += weight
            delta[kind, label][1] += 1
        if voter in old:
            for kind, label, weight in contributions(*old[voter]):
                delta[kind, label][0] -= weight
                delta[kind, label][1] -= 1
    rows = [{"kind": kind, "label": label, "weight": str(weight), "count": count}
            for (kind, label), (weight, count) in delta.items() if count or weight]
    if rows:
        session.execute(_ADD, {"proposal_id": proposal.id, "rows": rows})


_DELTAS = func.jsonb_to_recordset(bindparam("rows", type_=JSONB)).table_valued(
    column("kind", Text), column("label", Text), column("weight", Numeric), column("count", Integer),
).render_derived(name="delta", with_types=True)
_TOTALS = VoteTotal.__table__  # Core, as services.ballots' vote upsert
_INSERT = insert(_TOTALS).from_select(
    ["proposal_id", "kind", "label", "weight", "count"],
    select(bindparam("proposal_id", type_=Uuid), _DELTAS.c.kind, _DELTAS.c.label, _DELTAS.c.weight, _DELTAS.c.count),
)
# ONE statement for a batch's deltas (one JSON parameter: the same text whatever their number)
_ADD = _INSERT.on_conflict_do_update(
    index_elements=[_TOTALS.c.proposal_id, _TOTALS.c.kind, _TOTALS.c.label],
    set_={"weight": _TOTALS.c.weight + _INSERT.excluded.weight, "count": _TOTALS.c.count + _INSERT.excluded.count},
)


def read(session, proposal_id) -> tuple[dict, Decimal, dict] | None:
    """(by choice: choice or None -> (weight, count), the snapshot's total weight, by option:
    option -> weight) as services.tally sums them from the votes (entries of no vote left out),
    or None when the proposal has no sums yet."""
    return read_many(session, [proposal_id]).get(proposal_id)


def read_many(session, proposal_ids) -> dict[uuid.UUID, tuple[dict, Decimal, dict]]:
    """read() of many proposals in one statement: those with sums only."""
    found: dict[uuid.UUID, tuple[dict, list, dict]] = {}
    for proposal_id, kind, label, weight, count in session.execute(
        select(VoteTotal.proposal_id, VoteTotal.kind, VoteTotal.label, VoteTotal.weight, VoteTotal.count)
        .where(VoteTotal.proposal_id.in_(list(proposal_ids)))
    ):
        by_choice, total, named = found.setdefault(proposal_id, ({}, [], {}))
        if kind == SNAPSHOT:
            total.append(weight)
        elif count == 0:
            continue
        elif kind == CHOICE:
            by_choice[label or None] = (weight, count)
        else:
            named[label] = weight
    return {proposal_id: (by_choice, total[0], named)
            for proposal_id, (by_choice, total, named) in found.items() if total}


def live_sums(session, proposal: Proposal) -> tuple[dict, Decimal, dict]:
    """The sums of a maintained proposal, computed first if it has none yet."""
    found = read(session, proposal.id)
    if found is None:
        _ensure(session, proposal.id)
        found = read(session, proposal.id)
    return found
