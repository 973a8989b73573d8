"""Every finalized proposal carries a signed receipt that the offline verifier checks (issue 13):
proposals of every model and voting type finalized over HTTP, exported, and checked by
`python -m verify` as a separate process; one thing changed in an export, and the verifier names
it; a voter proves their ballot was counted; a database edit of an event is caught by the next
audit export."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select, update

from api.schemas.proposals import ProposalCreateSchema
from governance.audit_chain import verify_chain
from governance.receipts import ballot_leaf_hash
from governance.signatures import b64url_decode, b64url_encode, key_id, verify_envelope
from governance.vocabulary import GOVERNANCE_MODELS, VOTING_TYPES
from infra.db import transaction
from infra.signing import service_key
from models import Event, Proposal, Vote
from tests.proposals.helpers import act, create, dao_with_members, events, url
from tests.verifiable.helpers import POWERS, cast, fetched, finalized, link_through, verify
from tests.verify.test_cli import assert_refused, assert_verified

# The voting types the engine takes today: basic, and the others once proposals accept them.
ENGINE_VOTING_TYPES = VOTING_TYPES if "voting_type" in ProposalCreateSchema().fields else ("basic",)


def export_of(client, dao, detail) -> dict:
    return fetched(client, url(dao, detail["slug"], "/export"), dao.owner_subject_id)


def audit_of(client, dao) -> dict:
    link_through(dao.id)
    return fetched(client, f"/api/v1/daos/{dao.slug}/audit/export", dao.owner_subject_id)


@pytest.fixture(scope="module")
def weighted(app, worker):
    """One finalized weighted proposal, shared by the tamper tests (each changes a copy)."""
    client = app.test_client()
    dao, subjects, detail, jobs = finalized(client, "weighted")
    return dao, subjects, detail, jobs, export_of(client, dao, detail), audit_of(client, dao)


@pytest.mark.parametrize("voting_type", ENGINE_VOTING_TYPES)
@pytest.mark.parametrize("model", GOVERNANCE_MODELS)
def test_a_proposal_of_every_model_and_voting_type_verifies_offline(client, worker, tmp_path, model, voting_type):
    dao, _, detail, _ = finalized(client, model, voting_type)
    document = export_of(client, dao, detail)
    assert document["receipt"] == detail["receipt"]
    run = verify(client, document, tmp_path)
    assert_verified(run, "ok   snapshot root", "over 5 rows", "ok   ballots root", "over 3 rows",
                    f"under {model} / {voting_type}, outcome {detail['status']}", "trusted key",
                    "verified: proposal export")
    # The DAO's whole chain verifies too, the receipt it carries included.
    assert_verified(verify(client, audit_of(client, dao), tmp_path), "from genesis", "1 receipts in the chain",
                    "verified: audit export")


def test_the_receipt_is_signed_at_finalization_and_carried_by_the_answer_and_the_event(client, weighted):
    dao, subjects, detail, _, _, audit = weighted
    receipt = detail["receipt"]
    assert verify_envelope(receipt) == key_id(service_key().public_key())
    body = receipt["body"]
    assert body["proposal"] == {"id": detail["id"], "slug": detail["slug"], "dao_id": str(dao.id), "dao_slug": dao.slug}
    assert body["result"] == detail["result"] and body["snapshot"]["size"] == 5 and body["ballots"]["size"] == 3
    assert body["settings"] == {"governance_model": "weighted", "quorum_percent": detail["effective_quorum_percent"],
                                "pass_threshold_percent": detail["effective_pass_threshold"],
                                "allow_vote_change": True, "voting_type": "basic", "options": [],
                                "ballot_secrecy": "public", "early_pass": False, "late_quorum_extension_seconds": 0}
    [finalized_event] = events(dao.id, "proposal_finalized", proposal_id=detail["id"])
    assert finalized_event.payload["data"]["receipt"] == receipt
    with transaction() as session:
        assert session.get(Proposal, detail["id"]).receipt == receipt
    # Its chain head: the last event linked before finalization, here the last vote_cast.
    chain = {event["seq"]: event for event in audit["events"]}
    head = chain[body["chain_head"]["seq"]]
    assert head["hash"] == body["chain_head"]["hash"] and head["type"] == "vote_cast"
    assert chain[head["seq"] + 1]["type"] == "proposal_status_changed"
    assert chain[head["seq"] + 2]["id"] == str(finalized_event.id)


def test_a_voter_proves_their_ballot_was_counted(client, weighted, tmp_path):
    dao, subjects, detail, jobs, _, _ = weighted
    carol = subjects["carol"]
    proof = fetched(client, url(dao, detail["slug"], f"/proof?voter={carol}"), carol)
    assert proof["leaf_hash"] == jobs["carol"]["result"]["ballot_leaf_hash"]
    assert proof["leaf_hash"] == ballot_leaf_hash(carol, {"choice": "no"})
    assert proof["ballot"] == {"voter": carol, "ballot": {"choice": "no"}}
    assert_verified(verify(client, proof, tmp_path), f"ballot leaf hash {proof['leaf_hash']}", "ok   inclusion",
                    "verified: ballot proof")
    # The leaf hash is the voter's alone: no event carries it.
    assert all("ballot_leaf_hash" not in e.payload["data"] for e in events(dao.id, "vote_cast"))


def test_after_a_changed_vote_the_proof_is_of_the_last_ballot(client, worker, tmp_path):
    dao, owner, subjects = dao_with_members(POWERS)
    alice = subjects["alice"]
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    first = cast(client, dao, proposal["slug"], alice, {"choice": "yes"})
    last = cast(client, dao, proposal["slug"], alice, {"choice": "no"})
    act(client, dao, proposal["slug"], "close", owner)
    proof = fetched(client, url(dao, proposal["slug"], f"/proof?voter={alice}"), owner)
    assert proof["leaf_hash"] == last["result"]["ballot_leaf_hash"] != first["result"]["ballot_leaf_hash"]
    assert_verified(verify(client, proof, tmp_path), "verified: ballot proof")


def _change_vote(document):
    document["ballots"][0]["ballot"]["choice"] = "no" if document["ballots"][0]["ballot"]["choice"] != "no" else "yes"


def _change_power(document):
    document["snapshot"][0]["power"] = "1000.00000000"


def _change_figure(document):
    document["receipt"]["body"]["result"]["yes"] = "0.50000000"


def _change_signature(document):
    raw = bytearray(b64url_decode(document["receipt"]["signature"]))
    raw[-1] ^= 0x01
    document["receipt"]["signature"] = b64url_encode(bytes(raw))


@pytest.mark.parametrize("change, named", [
    (_change_vote, "ballots root"), (_change_power, "snapshot root"), (_change_figure, "result.yes"),
    (_change_signature, "signature"),
])
def test_one_thing_changed_in_an_export_is_named(client, weighted, tmp_path, change, named):
    document = copy.deepcopy(weighted[4])
    assert_verified(verify(client, document, tmp_path), "verified: proposal export")
    change(document)
    assert_refused(verify(client, document, tmp_path), named)


def test_one_changed_event_in_an_audit_export_is_named_by_its_seq(client, weighted, tmp_path):
    document = copy.deepcopy(weighted[5])
    vote = next(e for e in document["events"] if e["type"] == "vote_cast")
    vote["data"]["choice"] = "yes" if vote["data"]["choice"] != "yes" else "no"
    run = verify(client, document, tmp_path)
    assert_refused(run, f"event seq {vote['seq']}")
    assert "hash differs" in run.stdout


def test_a_database_edit_of_an_event_row_is_caught_on_the_next_audit_export(client, worker, tmp_path):
    dao, subjects, detail, _ = finalized(client, "quadratic")
    before = audit_of(client, dao)
    assert verify_chain(before["events"], before["chain"]) is None
    target = next(e for e in before["events"] if e["type"] == "vote_cast" and e["data"]["choice"] == "no")
    with transaction() as session:  # someone with database access rewrites carol's vote in the log
        row = session.scalar(select(Event).where(Event.id == target["id"]))
        data = {**row.payload["data"], "choice": "yes"}
        session.execute(update(Event).where(Event.id == row.id).values(payload={**row.payload, "data": data}))
    after = fetched(client, f"/api/v1/daos/{dao.slug}/audit/export", dao.owner_subject_id)
    assert [e["id"] for e in after["events"]] == [e["id"] for e in before["events"]]
    run = verify(client, after, tmp_path)
    assert_refused(run, f"event seq {target['seq']}")
    assert "hash differs" in run.stdout


def test_a_database_edit_of_a_vote_is_caught_on_the_next_proposal_export(client, worker, tmp_path):
    dao, subjects, detail, _ = finalized(client, "simple")
    with transaction() as session:
        session.execute(update(Vote).where(Vote.proposal_id == detail["id"], Vote.voter_id == subjects["carol"])
                        .values(choice="yes", ballot={"choice": "yes"}))
    assert_refused(verify(client, export_of(client, dao, detail), tmp_path), "ballots root")
