"""The export documents the offline verifier reads (verify/FORMATS.md), built and parsed here.

Builders take plain values and a signed receipt envelope (governance.signatures), so the server
only loads rows and calls them; parsers turn the JSON rows back into the values the rules use and
raise ValueError naming the first bad row.
"""

import json
from collections.abc import Iterable, Mapping, Sequence

from governance.canonical import canonical_json
from governance.merkle import leaf_hash
from governance.power import as_decimal
from governance.receipts import Ballot, ballot_row, ballots_tree, snapshot_tree
from governance.tally import SnapshotVoter

PROPOSAL_EXPORT = "governance.proposal_export"
BALLOT_PROOF = "governance.ballot_proof"
AUDIT_EXPORT = "governance.audit_export"
VERSION = 1


def proposal_export(
    signed_receipt: Mapping, voters: Iterable[SnapshotVoter], ballots: Iterable[Ballot]
) -> dict:
    """Everything needed to recompute a finalized proposal: its signed receipt (settings, roots,
    result, chain head), the snapshot rows and the ballot rows, both in tree (leaf) order."""
    snapshot, counted = snapshot_tree(voters), ballots_tree(ballots)
    return {
        "format": PROPOSAL_EXPORT,
        "version": VERSION,
        "receipt": dict(signed_receipt),
        # A leaf is the canonical JSON of its row: reading the leaves back gives the rows in
        # tree order.
        "snapshot": [json.loads(leaf) for leaf in snapshot.leaves],
        "ballots": [json.loads(leaf) for leaf in counted.leaves],
    }


def ballot_proof(signed_receipt: Mapping, ballots: Iterable[Ballot], voter_id: str) -> dict:
    """The inclusion proof of `voter_id`'s counted ballot in the receipt's ballots root.

    Raises KeyError when the voter has no counted ballot among `ballots`.
    """
    ballots = list(ballots)
    mine = next((b for b in ballots if b.voter_id == voter_id), None)
    if mine is None:
        raise KeyError(voter_id)
    tree = ballots_tree(ballots)
    leaf = canonical_json(ballot_row(mine))
    index = tree.index_of(leaf)
    return {
        "format": BALLOT_PROOF,
        "version": VERSION,
        "receipt": dict(signed_receipt),
        "ballot": ballot_row(mine),
        "leaf_hash": leaf_hash(leaf).hex(),
        "index": index,
        "path": [node.hex() for node in tree.proof(index)],
    }


def audit_export(chain: str, events: Sequence[Mapping], next_cursor: str | None = None) -> dict:
    """One page (or all) of a chain's linked events, ascending seq."""
    return {
        "format": AUDIT_EXPORT,
        "version": VERSION,
        "chain": chain,
        "events": [dict(event) for event in events],
        "next_cursor": next_cursor,
    }


def parse_snapshot(rows) -> list[SnapshotVoter]:
    """Snapshot rows {"subject", "power", "delegate"} as SnapshotVoters; raises ValueError."""
    voters = []
    for i, row in enumerate(_rows(rows, "snapshot")):
        subject, delegate = row.get("subject"), row.get("delegate")
        if not isinstance(subject, str) or not (delegate is None or isinstance(delegate, str)):
            raise ValueError(f"snapshot row {i}: subject must be text, delegate text or null")
        try:
            power = as_decimal(row.get("power"))
        except (TypeError, ValueError):
            raise ValueError(f"snapshot row {i} ({subject}): power must be decimal text") from None
        voters.append(SnapshotVoter(subject, power, delegate))
    return voters


def parse_ballots(rows) -> list[Ballot]:
    """Ballot rows {"voter", "ballot"} as Ballots; raises ValueError for a malformed row."""
    ballots = []
    for i, row in enumerate(_rows(rows, "ballots")):
        voter, ballot = row.get("voter"), row.get("ballot")
        if not isinstance(voter, str) or not isinstance(ballot, Mapping):
            raise ValueError(f"ballot row {i}: voter must be text and ballot an object")
        ballots.append(Ballot(voter, ballot))
    return ballots


def _rows(rows, what: str) -> list[Mapping]:
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise ValueError(f"{what} must be a list of objects")
    return rows
