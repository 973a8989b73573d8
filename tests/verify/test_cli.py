"""`python -m verify` run as a separate process on exports built here: what it accepts, and the
first figure, hash or signature it names when one thing was changed."""

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.audit_chain import link_chain
from governance.signatures import b64url_decode, b64url_encode, key_id, public_key_pem
from tests.verify.documents import (
    MODELS, audit_document, ballot_proof_document, credential_document, payload,
    proposal_document, run_verifier, signed_receipt,
)

KEY = Ed25519PrivateKey.generate()
KEY_ID = key_id(KEY.public_key())


def assert_verified(run, *lines):
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FAIL" not in run.stdout
    for line in lines:
        assert line in run.stdout, run.stdout


def assert_refused(run, what):
    assert run.returncode == 1, run.stdout + run.stderr
    failures = [line for line in run.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failures) == 1 and failures[0].startswith(f"FAIL {what}"), run.stdout


# --- accepted ---------------------------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
def test_a_proposal_export_of_every_model_verifies_under_the_pinned_key(model, tmp_path):
    document = proposal_document(KEY, model)
    run = run_verifier(document, tmp_path, "--key", KEY_ID)
    outcome = document["receipt"]["body"]["result"]["outcome"]
    assert_verified(run, "ok   snapshot root", "ok   ballots root", f"under {model} / basic",
                    f"outcome {outcome}", f"trusted key {KEY_ID}", "verified: proposal export")


def test_without_key_the_signature_is_checked_but_said_not_pinned(tmp_path):
    assert_verified(run_verifier(proposal_document(KEY), tmp_path), "not pinned")


def test_a_ballot_proof_verifies_and_prints_the_leaf_hash(tmp_path):
    document = ballot_proof_document(KEY)
    run = run_verifier(document, tmp_path, "--key", KEY_ID)
    assert_verified(run, f"ballot leaf hash {document['leaf_hash']}", "ok   inclusion: leaf",
                    "verified: ballot proof")


def test_an_audit_export_verifies_with_the_receipts_it_carries(tmp_path):
    run = run_verifier(audit_document(KEY), tmp_path, "--key", KEY_ID)
    assert_verified(run, "events 1..6 from genesis", "1 receipts in the chain",
                    "verified: audit export")


def test_a_page_of_an_audit_export_verifies_anchored_at_its_first_event(tmp_path):
    document = audit_document(KEY)
    document["events"] = document["events"][2:]
    assert_verified(run_verifier(document, tmp_path), "events 3..6 anchored at prev_hash")


@pytest.mark.parametrize("outcome, kind", [("resolved", "DisputeResolvedCredential"),
                                           ("dismissed", "DisputeLostCredential")])
def test_a_dispute_credential_verifies(outcome, kind, tmp_path):
    run = run_verifier(credential_document(KEY, outcome), tmp_path, "--key", KEY_ID)
    assert_verified(run, kind, f"trusted key {KEY_ID}", "verified: credential")


# --- one thing changed: refused, naming it -----------------------------------------------------

def test_one_changed_vote_is_named_as_the_ballots_root(tmp_path):
    document = proposal_document(KEY)
    row = next(r for r in document["ballots"] if r["voter"] == "user:carol")
    row["ballot"]["choice"] = "yes"
    assert_refused(run_verifier(document, tmp_path, "--key", KEY_ID), "ballots root")


def test_one_changed_power_is_named_as_the_snapshot_root(tmp_path):
    document = proposal_document(KEY)
    document["snapshot"][0]["power"] = "9.00000001"
    assert_refused(run_verifier(document, tmp_path, "--key", KEY_ID), "snapshot root")


def test_one_changed_result_figure_is_named(tmp_path):
    document = proposal_document(KEY)
    document["receipt"]["body"]["result"]["yes"] = "9.50000000"
    run = run_verifier(document, tmp_path, "--key", KEY_ID)
    assert_refused(run, "result.yes")
    assert "recomputed '9.00000000'" in run.stdout


def test_a_changed_outcome_is_named(tmp_path):
    document = proposal_document(KEY)
    document["receipt"]["body"]["result"]["outcome"] = "rejected"
    assert_refused(run_verifier(document, tmp_path, "--key", KEY_ID), "result.outcome")


def test_a_changed_frozen_setting_is_named_through_the_figures_it_changes(tmp_path):
    document = proposal_document(KEY, "weighted")
    document["receipt"]["body"]["settings"]["governance_model"] = "simple"
    assert_refused(run_verifier(document, tmp_path, "--key", KEY_ID), "result.model")


def test_one_changed_signature_byte_is_named(tmp_path):
    document = proposal_document(KEY)
    raw = bytearray(b64url_decode(document["receipt"]["signature"]))
    raw[0] ^= 0x01
    document["receipt"]["signature"] = b64url_encode(bytes(raw))
    assert_refused(run_verifier(document, tmp_path, "--key", KEY_ID), "signature")


def test_a_changed_receipt_field_that_is_not_recomputed_breaks_the_signature(tmp_path):
    document = proposal_document(KEY)
    document["receipt"]["body"]["proposal"]["slug"] = "other"
    assert_refused(run_verifier(document, tmp_path, "--key", KEY_ID), "signature")


def test_a_receipt_signed_by_another_key_is_refused_when_keys_are_pinned(tmp_path):
    document = proposal_document(Ed25519PrivateKey.generate())
    run = run_verifier(document, tmp_path, "--key", KEY_ID)
    assert_refused(run, "signature")
    assert "not one of the trusted keys" in run.stdout


def test_one_changed_chain_event_is_named_by_its_seq(tmp_path):
    document = audit_document(KEY)
    document["events"][2]["data"]["choice"] = "no"
    run = run_verifier(document, tmp_path, "--key", KEY_ID)
    assert_refused(run, "event seq 3")
    assert "hash differs" in run.stdout


def test_a_removed_chain_event_is_named(tmp_path):
    document = audit_document(KEY)
    del document["events"][1]
    assert_refused(run_verifier(document, tmp_path), "event seq 2")


def test_a_receipt_whose_chain_head_is_not_in_the_chain_is_named(tmp_path):
    document = audit_document(KEY)
    events = document["events"]
    forged = signed_receipt(KEY, head={"seq": 4, "hash": "ef" * 32})
    document["events"] = events[:4] + link_chain(
        [payload(5, "proposal_finalized", receipt=forged)], 4, events[3]["hash"])
    assert_refused(run_verifier(document, tmp_path), "receipt in event seq 5 chain_head")


def test_a_ballot_proof_for_another_ballot_is_refused(tmp_path):
    document = ballot_proof_document(KEY)
    document["ballot"]["ballot"]["choice"] = "yes"
    assert_refused(run_verifier(document, tmp_path), "leaf_hash")


def test_a_ballot_proof_with_a_changed_path_is_refused(tmp_path):
    document = ballot_proof_document(KEY)
    document["path"][0] = "00" * 32
    assert_refused(run_verifier(document, tmp_path), "inclusion proof")


def test_an_altered_credential_is_refused(tmp_path):
    document = copy.deepcopy(credential_document(KEY))
    document["credentialSubject"]["dispute"]["outcome"] = "dismissed"
    assert_refused(run_verifier(document, tmp_path), "credential")


def test_a_credential_of_another_issuer_is_refused_when_keys_are_pinned(tmp_path):
    run = run_verifier(credential_document(Ed25519PrivateKey.generate()), tmp_path, "--key", KEY_ID)
    assert_refused(run, "issuer")


def test_a_malformed_export_fails_without_a_traceback(tmp_path):
    document = proposal_document(KEY)
    document["snapshot"] = "everyone"
    run = run_verifier(document, tmp_path)
    assert_refused(run, "rows")
    assert "Traceback" not in run.stderr


# --- unusable input: exit 2 -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["not json", "[]", '{"format": "governance.other"}',
                                  '{"format": "governance.proposal_export", "version": 2}'])
def test_an_unknown_document_exits_2(text, tmp_path):
    run = run_verifier(text, tmp_path)
    assert run.returncode == 2 and run.stderr.startswith("error:"), run.stderr


def test_a_missing_file_exits_2(tmp_path):
    run = run_verifier("{}", tmp_path)
    assert run.returncode == 2


# --- the --key forms --------------------------------------------------------------------------

def test_key_may_be_a_did_a_pem_file_or_the_keys_answer(tmp_path):
    pem = tmp_path / "service.pem"
    pem.write_text(public_key_pem(KEY.public_key()))
    listing = tmp_path / "keys.json"
    other = Ed25519PrivateKey.generate().public_key()
    listing.write_text(json.dumps({"items": [
        {"key_id": key_id(other), "public_key_pem": public_key_pem(other)},
        {"key_id": KEY_ID, "public_key_multibase": KEY_ID},
    ]}))
    for value in (f"did:key:{KEY_ID}", str(pem), str(listing)):
        assert_verified(run_verifier(proposal_document(KEY), tmp_path, "--key", value), "trusted key")


def test_an_unusable_key_exits_2(tmp_path):
    run = run_verifier(proposal_document(KEY), tmp_path, "--key", "zNotAKey")
    assert run.returncode == 2 and "--key zNotAKey" in run.stderr
