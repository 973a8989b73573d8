"""Documents for the verifier tests, built with the same pure builders the server uses."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.audit_chain import link_chain
from governance.credentials import DisputeOutcome, issue_dispute_credential
from governance.exports import audit_export, ballot_proof, proposal_export
from governance.receipts import Ballot, ProposalRef, build_receipt
from governance.signatures import sign_envelope
from governance.tally import SnapshotVoter, tally

REPO = Path(__file__).resolve().parents[2]
DAO_ID = "5a0e3c1b-7d2f-4e6a-9b8c-0d1e2f3a4b5c"
MODELS = ("simple", "weighted", "quadratic", "delegated")

VOTERS = [
    SnapshotVoter("user:alice", D("9")), SnapshotVoter("user:bob", D("4"), "user:alice"),
    SnapshotVoter("user:carol", D("2.25")), SnapshotVoter("user:dave", D("1"), "user:carol"),
    SnapshotVoter("ag_helion", D("0.5")),
]
BALLOTS = [
    Ballot("user:alice", {"choice": "yes"}), Ballot("user:carol", {"choice": "no"}),
    Ballot("ag_helion", {"choice": "abstain"}),
]


def payload(n: int, event_type: str = "vote_cast", **data) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}", "type": event_type, "dao_id": DAO_ID,
        "dao_slug": "coop", "actor": "user:alice", "ts": f"2026-03-01T12:00:{n:02d}Z", "data": data,
    }


def signed_receipt(key: Ed25519PrivateKey, model: str = "weighted", head: dict | None = None) -> dict:
    choices = {b.voter_id: b.ballot["choice"] for b in BALLOTS}
    result = tally(model, D(20), D(50), VOTERS, choices).to_json()
    settings = {"governance_model": model, "quorum_percent": D(20), "pass_threshold_percent": D(50)}
    proposal = ProposalRef("1c9a7e55-0000-4000-8000-000000000001", "new-roof", DAO_ID, "coop")
    body = build_receipt(proposal, settings, VOTERS, BALLOTS, result,
                         head or {"seq": 2, "hash": "cd" * 32})
    return sign_envelope(key, body)


def proposal_document(key, model: str = "weighted") -> dict:
    return proposal_export(signed_receipt(key, model), VOTERS, BALLOTS)


def ballot_proof_document(key, voter: str = "user:carol") -> dict:
    return ballot_proof(signed_receipt(key), BALLOTS, voter)


def audit_document(key) -> dict:
    """A DAO chain of six events whose fifth is a proposal_finalized carrying a receipt signed
    with the chain head at seq 4."""
    head = link_chain([payload(n, choice="yes") for n in range(1, 5)])
    receipt = signed_receipt(key, head={"seq": 4, "hash": head[-1]["hash"]})
    rest = link_chain(
        [payload(5, "proposal_finalized", receipt=receipt), payload(6, "proposal_executed")],
        head_seq=4, head_hash=head[-1]["hash"],
    )
    return audit_export(f"dao:{DAO_ID}", head + rest)


def credential_document(key, outcome: str = "resolved") -> dict:
    dispute = DisputeOutcome(
        "3f5c1f0e-9a3b-4c1e-8d2a-6b7e0f1a2b3c", "user:alice", "user:bob", "exchange", "ex-42",
        outcome, "Refund of 3 credits", "user:mod", "2026-03-01T10:00:00Z",
    )
    return issue_dispute_credential(key, "9d1e2f3a-0000-4000-8000-000000000001", dispute,
                                    "2026-03-01T10:00:01Z")


def run_verifier(document, tmp_path: Path, *args: str, cwd: Path = REPO,
                 python: list[str] | None = None) -> subprocess.CompletedProcess:
    """Write `document` (a dict, or raw text) to a file and run `python -m verify` on it as a
    separate process."""
    path = tmp_path / "document.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    command = (python or [sys.executable, "-m", "verify"]) + [str(path), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
