"""Result receipts (issue 13): what finalization signs, and the Merkle leaves it commits to.

Leaf encodings (Merkle tree rules in governance.merkle; leaves sorted by these bytes):
- snapshot row: canonical_json({"subject": <subject_id>, "power": <power, 8-place decimal text>,
  "delegate": <effective delegate subject_id or null>}), one per member of the eligibility
  snapshot. E.g. {"delegate":null,"power":"1.00000000","subject":"user:alice"}.
- ballot row: canonical_json({"voter": <voter subject_id>, "ballot": <the counted ballot>}), one
  per voter, their last ballot. The ballot is the JSON object as cast: {"choice": "yes"} (basic,
  single_choice), {"choices": [...]} (approval, in the order cast), {"ranking": [...]}
  (ranked_choice). No weight: a voter can rebuild their own leaf from what they cast, and the
  verifier derives every weight from the snapshot under the frozen model.
canonical_json is RFC 8785 (JCS); hashes are lowercase hex SHA-256.

Receipt body (signed as a governance.signatures envelope):
    {"type": "governance.result_receipt", "version": 1,
     "proposal": {"id", "slug", "dao_id", "dao_slug"},
     "settings": {"governance_model", "quorum_percent", "pass_threshold_percent",
                  "voting_type", ... every other frozen setting as the server froze it},
     "snapshot": {"root": <hex>, "size": <rows>}, "ballots": {"root": <hex>, "size": <rows>},
     "result": <the stored tally result, SPEC 8.4>,
     "chain_head": {"seq": <int>, "hash": <hex>} or null}
chain_head is the DAO's audit chain head when the receipt was built: an event of that chain.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from governance.canonical import canonical_json, hex_to_digest
from governance.merkle import MerkleTree, leaf_hash
from governance.power import decimal_text
from governance.tally import SnapshotVoter

RECEIPT_TYPE = "governance.result_receipt"
RECEIPT_VERSION = 1
REQUIRED_SETTINGS = ("governance_model", "quorum_percent", "pass_threshold_percent")


@dataclass(frozen=True)
class ProposalRef:
    """Which proposal a receipt is about."""

    id: str
    slug: str
    dao_id: str
    dao_slug: str


@dataclass(frozen=True)
class Ballot:
    """A voter's counted (last) ballot, as the JSON object they cast."""

    voter_id: str
    ballot: Mapping


def snapshot_row(voter: SnapshotVoter) -> dict:
    """The JSON row of a snapshot member (its leaf is the canonical JSON of this row)."""
    return {"subject": voter.subject_id, "power": decimal_text(voter.power),
            "delegate": voter.delegate_id}


def ballot_row(ballot: Ballot) -> dict:
    """The JSON row of a ballot (its leaf is the canonical JSON of this row)."""
    return {"voter": ballot.voter_id, "ballot": dict(ballot.ballot)}


def ballot_leaf_hash(voter_id: str, ballot: Mapping) -> str:
    """The leaf hash of a ballot: what a vote job's result carries, and what a voter checks."""
    return leaf_hash(canonical_json(ballot_row(Ballot(voter_id, ballot)))).hex()


def snapshot_tree(voters: Iterable[SnapshotVoter]) -> MerkleTree:
    """The Merkle tree of an eligibility snapshot; raises ValueError for a repeated subject."""
    voters = list(voters)
    _refuse_repeats([v.subject_id for v in voters], "snapshot subject")
    return MerkleTree(canonical_json(snapshot_row(v)) for v in voters)


def ballots_tree(ballots: Iterable[Ballot]) -> MerkleTree:
    """The Merkle tree of the counted ballots; raises ValueError for a voter with two ballots."""
    ballots = list(ballots)
    _refuse_repeats([b.voter_id for b in ballots], "voter")
    return MerkleTree(canonical_json(ballot_row(b)) for b in ballots)


def _refuse_repeats(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} {name!r} appears twice")
        seen.add(name)


def frozen_settings(settings: Mapping) -> dict:
    """The receipt's settings: the frozen ones as given, Decimals as 8-place text, voting_type
    defaulting to "basic". Raises ValueError when a required setting is missing."""
    missing = [name for name in REQUIRED_SETTINGS if settings.get(name) is None]
    if missing:
        raise ValueError(f"missing frozen settings: {', '.join(missing)}")
    body = {
        name: decimal_text(value) if isinstance(value, Decimal) else value
        for name, value in settings.items()
    }
    for name in ("quorum_percent", "pass_threshold_percent"):
        body[name] = decimal_text(body[name])
    body.setdefault("voting_type", "basic")
    return body


def build_receipt(
    proposal: ProposalRef,
    settings: Mapping,
    voters: Iterable[SnapshotVoter],
    ballots: Iterable[Ballot],
    result: Mapping,
    chain_head: Mapping | None,
) -> dict:
    """The receipt body of a finalized proposal (module docstring), ready to sign.

    Raises ValueError for missing settings, a repeated subject or voter, or a malformed chain
    head; a value JSON cannot carry is refused when the body is signed (rfc8785's ValueError from
    governance.signatures.sign_envelope), which canonicalizes it once.
    """
    snapshot, counted = snapshot_tree(voters), ballots_tree(ballots)
    if chain_head is not None:
        head_seq = chain_head.get("seq")
        if not isinstance(head_seq, int) or isinstance(head_seq, bool) or head_seq < 1:
            raise ValueError("chain head seq must be an integer >= 1")
        hex_to_digest(chain_head.get("hash"), "chain head hash")
        chain_head = {"seq": head_seq, "hash": chain_head["hash"]}
    body = {
        "type": RECEIPT_TYPE,
        "version": RECEIPT_VERSION,
        "proposal": {"id": proposal.id, "slug": proposal.slug, "dao_id": proposal.dao_id,
                     "dao_slug": proposal.dao_slug},
        "settings": frozen_settings(settings),
        "snapshot": {"root": snapshot.root.hex(), "size": snapshot.size},
        "ballots": {"root": counted.root.hex(), "size": counted.size},
        "result": dict(result),
        "chain_head": chain_head,
    }
    return body


def receipt_bytes(body: Mapping) -> bytes:
    """The bytes a receipt's signature covers: the RFC 8785 canonical JSON of its body."""
    return canonical_json(body)
