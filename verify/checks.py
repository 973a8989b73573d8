"""What the verifier checks in each kind of document (verify/FORMATS.md).

Each checker is a generator: it yields one line per check that passed and raises `Mismatch`
naming the first figure, hash or signature that differs. Content is checked before the signature,
so a changed figure is named as such rather than only breaking the signature.
"""

from collections.abc import Iterator, Mapping

from governance.audit_chain import verify_chain
from governance.canonical import canonical_json, hex_to_digest
from governance.credentials import CredentialInvalid, verify_credential
from governance.exports import parse_ballots, parse_snapshot
from governance.merkle import leaf_hash, verify_inclusion
from governance.multibase import multikey_of_did
from governance.receipts import (
    RECEIPT_TYPE, RECEIPT_VERSION, Ballot, ballot_row, ballots_tree, snapshot_tree,
)
from governance.signatures import SignatureInvalid, verify_envelope
from verify.recompute import recompute_result


class Mismatch(Exception):
    """A check that failed: `what` names the figure, hash or field; `detail` says how."""

    def __init__(self, what: str, detail: str):
        super().__init__(f"{what}: {detail}")
        self.what, self.detail = what, detail


def _object(parent: Mapping, name: str, what: str | None = None) -> Mapping:
    value = parent.get(name) if isinstance(parent, Mapping) else None
    if not isinstance(value, Mapping):
        raise Mismatch(what or name, "missing or not an object")
    return value


def _receipt_body(envelope: Mapping) -> Mapping:
    body = _object(envelope, "body", "receipt")
    if body.get("type") != RECEIPT_TYPE or body.get("version") != RECEIPT_VERSION:
        raise Mismatch("receipt", f"not a {RECEIPT_TYPE} of version {RECEIPT_VERSION}")
    return body


def check_signature(envelope: Mapping, trusted: set[str] | None, what: str = "signature") -> str:
    """Verify a signed envelope (and that its key is trusted, when keys are pinned)."""
    try:
        kid = verify_envelope(envelope)
    except SignatureInvalid as error:
        raise Mismatch(what, str(error)) from None
    if trusted is None:
        return f"{what}: Ed25519 by key {kid} (not pinned: pass --key to check it is the service's)"
    if kid not in trusted:
        raise Mismatch(what, f"key {kid} is not one of the trusted keys")
    return f"{what}: Ed25519 by trusted key {kid}"


def _check_root(body: Mapping, name: str, tree) -> str:
    claimed = _object(body, name, f"receipt {name}")
    if claimed.get("size") != tree.size:
        raise Mismatch(f"{name} size", f"receipt says {claimed.get('size')}, export has {tree.size}")
    if claimed.get("root") != tree.root.hex():
        raise Mismatch(f"{name} root", f"receipt says {claimed.get('root')}, recomputed {tree.root.hex()}")
    return f"{name} root {tree.root.hex()} over {tree.size} rows"


def check_proposal_export(document: Mapping, trusted: set[str] | None) -> Iterator[str]:
    """Both Merkle roots, the tally under the frozen settings, then the receipt's signature."""
    envelope = _object(document, "receipt")
    body = _receipt_body(envelope)
    try:
        voters, ballots = parse_snapshot(document.get("snapshot")), parse_ballots(document.get("ballots"))
        snapshot, counted = snapshot_tree(voters), ballots_tree(ballots)
    except ValueError as error:
        raise Mismatch("rows", str(error)) from None
    yield _check_root(body, "snapshot", snapshot)
    yield _check_root(body, "ballots", counted)
    members = {voter.subject_id for voter in voters}
    for ballot in ballots:
        if ballot.voter_id not in members:
            raise Mismatch("ballots", f"ballot of {ballot.voter_id}, who is not in the snapshot")
    settings, result = _object(body, "settings", "settings"), _object(body, "result", "result")
    try:
        recomputed = recompute_result(settings, voters, ballots)
    except (KeyError, ValueError) as error:
        raise Mismatch("tally", f"cannot recompute: {error}") from None
    for name, figure in recomputed.items():
        if result.get(name) != figure:
            raise Mismatch(f"result.{name}", f"receipt says {result.get(name)!r}, recomputed {figure!r}")
    extra = sorted(set(result) - set(recomputed))
    yield (
        f"tally: {len(recomputed)} figures recomputed under {settings.get('governance_model')}"
        f" / {settings.get('voting_type', 'basic')}, outcome {recomputed.get('outcome')}"
        + (f" (not recomputed: {', '.join(extra)})" if extra else "")
    )
    yield check_signature(envelope, trusted)


def check_ballot_proof(document: Mapping, trusted: set[str] | None) -> Iterator[str]:
    """The ballot's leaf hash, its inclusion in the signed ballots root, then the signature."""
    envelope = _object(document, "receipt")
    body = _receipt_body(envelope)
    row = _object(document, "ballot")
    if not isinstance(row.get("voter"), str) or not isinstance(row.get("ballot"), Mapping):
        raise Mismatch("ballot", "needs a voter and a ballot object")
    digest = leaf_hash(canonical_json(ballot_row(Ballot(row["voter"], row["ballot"]))))
    if document.get("leaf_hash") != digest.hex():
        raise Mismatch("leaf_hash", f"proof says {document.get('leaf_hash')}, the ballot hashes to {digest.hex()}")
    yield f"ballot leaf hash {digest.hex()} (voter {row['voter']}): compare it with your vote job's"
    ballots = _object(body, "ballots", "receipt ballots")
    index, path = document.get("index"), document.get("path")
    try:
        root = hex_to_digest(ballots.get("root"), "ballots root")
        nodes = [hex_to_digest(node, "path node") for node in path]
        included = isinstance(index, int) and verify_inclusion(digest, index, ballots.get("size"), nodes, root)
    except (TypeError, ValueError) as error:
        raise Mismatch("inclusion proof", str(error)) from None
    if not included:
        raise Mismatch("inclusion proof", f"does not lead to the receipt's ballots root {root.hex()}")
    yield f"inclusion: leaf {index} of {ballots.get('size')} in ballots root {root.hex()}"
    yield check_signature(envelope, trusted)


def check_audit_export(document: Mapping, trusted: set[str] | None) -> Iterator[str]:
    """The hash chain, then every receipt the chain carries: its signature and its chain head."""
    events, chain = document.get("events"), document.get("chain")
    if not isinstance(events, list) or not isinstance(chain, str):
        raise Mismatch("audit export", "needs a chain name and a list of events")
    broken = verify_chain(events, chain)
    if broken is not None:
        raise Mismatch(f"event seq {broken.seq}", broken.reason)
    if not events:
        yield f"chain {chain}: no events"
        return
    first, last = events[0], events[-1]
    anchor = "from genesis" if first["seq"] == 1 else f"anchored at prev_hash {first['prev_hash']}"
    yield f"chain {chain}: events {first['seq']}..{last['seq']} {anchor}, head hash {last['hash']}"
    by_seq = {event["seq"]: event["hash"] for event in events}
    receipts = 0
    for event in events:
        data = event.get("data")
        envelope = data.get("receipt") if isinstance(data, Mapping) else None
        if not isinstance(envelope, Mapping):
            continue
        what = f"receipt in event seq {event['seq']}"
        head = _receipt_body(envelope).get("chain_head")
        if isinstance(head, Mapping):
            if not isinstance(head.get("seq"), int) or head["seq"] >= event["seq"]:
                raise Mismatch(f"{what} chain_head", "must name an earlier event of the chain")
            if head["seq"] in by_seq and by_seq[head["seq"]] != head.get("hash"):
                raise Mismatch(f"{what} chain_head", f"hash differs from event seq {head['seq']}")
        check_signature(envelope, trusted, what)
        receipts += 1
    if receipts:
        yield f"{receipts} receipts in the chain: signatures and chain heads"


def check_credential(document: Mapping, trusted: set[str] | None) -> Iterator[str]:
    """The credential's shape and eddsa-jcs-2022 proof, and its issuer when keys are pinned."""
    try:
        issuer = verify_credential(document)
    except CredentialInvalid as error:
        raise Mismatch("credential", str(error)) from None
    kind = [t for t in document["type"] if t != "VerifiableCredential"]
    yield f"credential {document.get('id')} ({', '.join(kind)}): eddsa-jcs-2022 proof by {issuer}"
    if trusted is None:
        yield "issuer: not pinned (pass --key to check it is the service's)"
    elif multikey_of_did(issuer) not in trusted:
        raise Mismatch("issuer", f"{issuer} is not one of the trusted keys")
    else:
        yield f"issuer: trusted key {multikey_of_did(issuer)}"
