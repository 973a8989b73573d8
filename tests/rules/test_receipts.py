"""Result receipts: the leaf encodings, the receipt body, and the export documents."""

import json
from decimal import Decimal as D

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.canonical import canonical_json, sha256
from governance.exports import (
    audit_export, ballot_proof, parse_ballots, parse_snapshot, proposal_export,
)
from governance.merkle import MerkleTree, leaf_hash, verify_inclusion
from governance.receipts import (
    Ballot, ProposalRef, ballot_leaf_hash, ballots_tree, build_receipt, frozen_settings,
    receipt_bytes, snapshot_tree,
)
from governance.signatures import sign_envelope, verify_envelope
from governance.tally import SnapshotVoter, tally

PROPOSAL = ProposalRef("7c1d2e3f-0000-4000-8000-000000000001", "new-roof", "dao-uuid", "coop")
VOTERS = [SnapshotVoter("user:carol", D("4"), None), SnapshotVoter("user:alice", D("2.5")),
          SnapshotVoter("user:bob", D(1), "user:alice")]
BALLOTS = [Ballot("user:carol", {"choice": "no"}), Ballot("user:alice", {"choice": "yes"})]
SETTINGS = {"governance_model": "delegated", "quorum_percent": D(20),
            "pass_threshold_percent": D("50.5"), "allow_vote_change": True}
HEAD = {"seq": 41, "hash": "ab" * 32}


def result():
    return tally("delegated", D(20), D("50.5"), VOTERS,
                 {b.voter_id: b.ballot["choice"] for b in BALLOTS}).to_json()


def test_snapshot_leaf_is_jcs_of_subject_power_with_8_places_and_delegate():
    tree = snapshot_tree([SnapshotVoter("user:bob", D(1), "user:alice")])
    assert tree.leaves == (b'{"delegate":"user:alice","power":"1.00000000","subject":"user:bob"}',)
    assert snapshot_tree([SnapshotVoter("user:a", D("2.5"))]).leaves == (
        b'{"delegate":null,"power":"2.50000000","subject":"user:a"}',)


def test_ballot_leaf_is_jcs_of_voter_and_ballot_as_cast_and_its_hash_is_the_vote_receipt():
    tree = ballots_tree([Ballot("user:a", {"ranking": ["x", "y"]})])
    assert tree.leaves == (b'{"ballot":{"ranking":["x","y"]},"voter":"user:a"}',)
    assert ballot_leaf_hash("user:a", {"ranking": ["x", "y"]}) == sha256(b"\x00" + tree.leaves[0]).hex()


def test_repeated_subjects_or_voters_are_refused():
    with pytest.raises(ValueError, match="user:a"):
        snapshot_tree([SnapshotVoter("user:a", D(1)), SnapshotVoter("user:a", D(2))])
    with pytest.raises(ValueError, match="user:a"):
        ballots_tree([Ballot("user:a", {"choice": "yes"}), Ballot("user:a", {"choice": "no"})])


def test_frozen_settings_write_percents_as_8_place_text_and_default_the_voting_type():
    settings = frozen_settings(SETTINGS)
    assert settings == {"governance_model": "delegated", "quorum_percent": "20.00000000",
                        "pass_threshold_percent": "50.50000000", "allow_vote_change": True,
                        "voting_type": "basic"}
    with pytest.raises(ValueError, match="quorum_percent"):
        frozen_settings({"governance_model": "simple", "pass_threshold_percent": D(50)})


def test_receipt_commits_to_proposal_settings_both_roots_result_and_chain_head():
    body = build_receipt(PROPOSAL, SETTINGS, VOTERS, BALLOTS, result(), HEAD)
    assert body["type"] == "governance.result_receipt" and body["version"] == 1
    assert body["proposal"] == {"id": PROPOSAL.id, "slug": "new-roof", "dao_id": "dao-uuid",
                                "dao_slug": "coop"}
    assert body["snapshot"] == {"root": snapshot_tree(VOTERS).root.hex(), "size": 3}
    assert body["ballots"] == {"root": ballots_tree(BALLOTS).root.hex(), "size": 2}
    assert body["result"] == result()
    assert body["chain_head"] == HEAD
    assert receipt_bytes(body) == canonical_json(body)
    assert json.loads(receipt_bytes(body)) == body


def test_the_roots_do_not_depend_on_row_order():
    shuffled = build_receipt(PROPOSAL, SETTINGS, VOTERS[::-1], BALLOTS[::-1], result(), HEAD)
    assert shuffled == build_receipt(PROPOSAL, SETTINGS, VOTERS, BALLOTS, result(), HEAD)


def test_one_changed_power_or_ballot_changes_its_root():
    body = build_receipt(PROPOSAL, SETTINGS, VOTERS, BALLOTS, result(), HEAD)
    richer = [VOTERS[0], SnapshotVoter("user:alice", D("2.50000001")), VOTERS[2]]
    assert snapshot_tree(richer).root.hex() != body["snapshot"]["root"]
    flipped = [BALLOTS[0], Ballot("user:alice", {"choice": "no"})]
    assert ballots_tree(flipped).root.hex() != body["ballots"]["root"]


@pytest.mark.parametrize("head", [{"seq": 0, "hash": "ab" * 32}, {"seq": 3, "hash": "AB" * 32},
                                  {"seq": True, "hash": "ab" * 32}, {"seq": 3}])
def test_a_malformed_chain_head_is_refused(head):
    with pytest.raises(ValueError):
        build_receipt(PROPOSAL, SETTINGS, VOTERS, BALLOTS, result(), head)


def test_a_receipt_without_chain_head_or_ballots_is_allowed():
    body = build_receipt(PROPOSAL, SETTINGS, VOTERS, [], result(), None)
    assert body["chain_head"] is None
    assert body["ballots"] == {"root": MerkleTree([]).root.hex(), "size": 0}


KEY = Ed25519PrivateKey.generate()
SIGNED = sign_envelope(KEY, build_receipt(PROPOSAL, SETTINGS, VOTERS, BALLOTS, result(), HEAD))


def test_proposal_export_rows_parse_back_to_the_same_roots():
    export = proposal_export(SIGNED, VOTERS, BALLOTS)
    assert export["format"] == "governance.proposal_export" and export["version"] == 1
    assert verify_envelope(export["receipt"])
    voters, ballots = parse_snapshot(export["snapshot"]), parse_ballots(export["ballots"])
    assert snapshot_tree(voters).root.hex() == SIGNED["body"]["snapshot"]["root"]
    assert ballots_tree(ballots).root.hex() == SIGNED["body"]["ballots"]["root"]
    assert {v.subject_id: v.power for v in voters} == {"user:carol": D(4), "user:alice": D("2.5"),
                                                       "user:bob": D(1)}


@pytest.mark.parametrize("rows", [
    [{"subject": "user:a", "power": 1.5, "delegate": None}],
    [{"subject": "user:a", "power": "NaN", "delegate": None}],
    [{"subject": 7, "power": "1", "delegate": None}],
    {"subject": "user:a"},
])
def test_malformed_snapshot_rows_are_refused(rows):
    with pytest.raises(ValueError):
        parse_snapshot(rows)


def test_malformed_ballot_rows_are_refused():
    with pytest.raises(ValueError, match="ballot row 0"):
        parse_ballots([{"voter": "user:a", "ballot": "yes"}])


def test_ballot_proof_proves_the_voters_ballot_in_the_signed_root():
    proof = ballot_proof(SIGNED, BALLOTS, "user:alice")
    assert proof["format"] == "governance.ballot_proof"
    assert proof["ballot"] == {"voter": "user:alice", "ballot": {"choice": "yes"}}
    assert proof["leaf_hash"] == ballot_leaf_hash("user:alice", {"choice": "yes"})
    ballots = SIGNED["body"]["ballots"]
    assert verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["index"], ballots["size"],
                            [bytes.fromhex(n) for n in proof["path"]], bytes.fromhex(ballots["root"]))
    with pytest.raises(KeyError):
        ballot_proof(SIGNED, BALLOTS, "user:bob")  # delegated, never voted: no ballot of theirs


def test_audit_export_carries_the_chain_and_its_events():
    export = audit_export("dao:x", [{"seq": 1}], next_cursor="2")
    assert export == {"format": "governance.audit_export", "version": 1, "chain": "dao:x",
                      "events": [{"seq": 1}], "next_cursor": "2"}


def test_leaf_hash_of_export_row_matches_the_tree():
    export = proposal_export(SIGNED, VOTERS, BALLOTS)
    tree = ballots_tree(BALLOTS)
    assert [leaf_hash(canonical_json(row)) for row in export["ballots"]] == [
        leaf_hash(leaf) for leaf in tree.leaves]
