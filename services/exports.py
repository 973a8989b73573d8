"""The documents the offline verifier checks (issue 13, verify/FORMATS.md), from the database.

A proposal export and a ballot proof are rebuilt from the rows at each request around the
receipt signed at finalization, so a row changed since does not verify. An audit export is the
chain's linked events as stored.
"""

from __future__ import annotations

from governance.errors import NotFound
from governance.exports import audit_export, ballot_proof, proposal_export
from models import Proposal
from services.audit_chain import linked
from services.receipts import require_receipt, snapshot_voters, stored_ballots


def proposal_document(session, proposal: Proposal) -> dict:
    """The proposal export: the signed receipt, the snapshot rows and the ballot rows."""
    receipt = require_receipt(proposal)
    voters = snapshot_voters(session, [proposal.id])[proposal.id]
    return proposal_export(receipt, voters, stored_ballots(session, [proposal.id])[proposal.id])


def ballot_proof_document(session, proposal: Proposal, voter_id: str) -> dict:
    """The inclusion proof of `voter_id`'s counted ballot; NotFound when they have none."""
    receipt = require_receipt(proposal)
    try:
        return ballot_proof(receipt, stored_ballots(session, [proposal.id])[proposal.id], voter_id)
    except KeyError:
        raise NotFound(f"{voter_id} has no counted ballot on this proposal") from None


def audit_document(chain: str, events, next_cursor: str | None) -> dict:
    """One page of an audit export: the linked `events` (rows of `chain`, ascending chain_seq)."""
    return audit_export(chain, [linked(event) for event in events], next_cursor)
