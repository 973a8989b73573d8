"""Signed result receipts and vote receipts from the database (issue 13; the rules are
governance.receipts, governance.signatures and governance.exports).

At finalization `sign_receipts` commits, for each proposal, to its frozen settings, the Merkle
roots of its eligibility snapshot and of its counted ballots, its result and the DAO chain's
head, and signs that with the service key (infra.signing). The chain head is the last event the
bridge had already linked when finalization ran (the chain is assigned after the fact), so it
precedes the receipt's own `proposal_finalized` event in the chain.

A ballot leaf is the ballot as stored on the `votes` row (normalized by governance.ballots:
approval choices in the order of the options); a vote job's result carries the leaf hash of the
same normalized ballot, so the voter finds it in the proof.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from governance.errors import InvalidState
from governance.receipts import ProposalRef, build_receipt
from governance.signatures import sign_envelope
from infra.signing import service_key
from models import Dao, Proposal
from services.audit_chain import chain_heads, dao_chain
from services.tally import CountedRows, counted_rows, snapshot_voters, stored_ballots

__all__ = ["frozen_settings", "require_receipt", "sign_receipts", "snapshot_voters", "stored_ballots"]


def frozen_settings(proposal: Proposal) -> dict:
    """The settings frozen on the proposal at activation, by their receipt names: what the
    verifier needs to recompute the outcome (model, quorum, threshold, voting type and options),
    and the rules the outcome was reached under."""
    return {
        "governance_model": proposal.effective_model,
        "quorum_percent": proposal.effective_quorum_percent,
        "pass_threshold_percent": proposal.effective_pass_threshold,
        "allow_vote_change": proposal.effective_allow_vote_change,
        "voting_type": proposal.effective_voting_type or "basic",
        "options": list(proposal.options or []),
        "ballot_secrecy": proposal.effective_ballot_secrecy or "public",
        "early_pass": bool(proposal.effective_early_pass),
        "late_quorum_extension_seconds": proposal.effective_late_quorum_extension_seconds or 0,
    }


def sign_receipts(
    session, proposals: list[Proposal], daos: Mapping[uuid.UUID, Dao], results: Mapping[uuid.UUID, dict],
    rows: CountedRows | None = None,
) -> dict[uuid.UUID, dict]:
    """proposal id -> its signed result receipt (a governance.signatures envelope), for the
    `proposals` being finalized with `results` (their result JSON), from `rows` (their snapshots
    and ballots, loaded here in two queries when not given) and one query for the chain heads."""
    rows = rows or counted_rows(session, proposals)
    voters, ballots = rows.voters, rows.ballots
    heads = chain_heads(session, (dao_chain(p.dao_id) for p in proposals))
    key = service_key()
    signed = {}
    for proposal in proposals:
        head = heads.get(dao_chain(proposal.dao_id))
        body = build_receipt(
            ProposalRef(str(proposal.id), proposal.slug, str(proposal.dao_id), daos[proposal.dao_id].slug),
            frozen_settings(proposal), voters[proposal.id], ballots[proposal.id], results[proposal.id],
            None if head is None else {"seq": head[0], "hash": head[1]},
        )
        signed[proposal.id] = sign_envelope(key, body)
    return signed


def require_receipt(proposal: Proposal) -> dict:
    """The proposal's signed receipt; InvalidState (409) before finalization. A secret ballot is
    revealed at finalization, so a receipt means every ballot of the proposal may be shown."""
    if proposal.receipt is None:
        raise InvalidState(
            f"the proposal is {proposal.status}: it has a receipt only once finalized"
            + (" (it was finalized before receipts existed)" if proposal.finalized_at else "")
        )
    return proposal.receipt
