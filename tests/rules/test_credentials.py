"""eddsa-jcs-2022 Data Integrity proofs (against the W3C spec's test vector) and the dispute
outcome credentials built on them."""

import copy

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.canonical import canonical_json, sha256
from governance.credentials import (
    CredentialInvalid, DisputeOutcome, dispute_credential, issue_dispute_credential,
    verify_credential,
)
from governance.data_integrity import ProofInvalid, add_proof, verify_proof
from governance.multibase import did_key, secret_key_bytes
from governance.signatures import key_id

# W3C vc-di-eddsa, TestVectors/keyPair.json, unsigned.json, eddsa-jcs-2022/*.
SPEC_KEY = Ed25519PrivateKey.from_private_bytes(
    secret_key_bytes("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"))
SPEC_METHOD = ("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
               "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
SPEC_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
SPEC_UNSIGNED = {
    "@context": SPEC_CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
SPEC_OPTIONS = {
    "type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
    "created": "2023-02-24T23:36:38Z", "verificationMethod": SPEC_METHOD,
    "proofPurpose": "assertionMethod",
}
SPEC_DOC_HASH = "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"
SPEC_PROOF_HASH = "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db"
SPEC_PROOF_VALUE = ("z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUf"
                    "joJdcnTMuVor51aX")


def test_the_spec_vector_hashes_match():
    assert sha256(canonical_json(SPEC_UNSIGNED)).hex() == SPEC_DOC_HASH
    assert sha256(canonical_json({**SPEC_OPTIONS, "@context": SPEC_CONTEXT})).hex() == SPEC_PROOF_HASH


def test_add_proof_reproduces_the_spec_vector():
    secured = add_proof(SPEC_UNSIGNED, SPEC_KEY, SPEC_OPTIONS)
    assert secured["proof"]["proofValue"] == SPEC_PROOF_VALUE
    assert secured["proof"]["@context"] == SPEC_CONTEXT
    assert verify_proof(secured) == did_key(key_id(SPEC_KEY.public_key()))


def test_a_spec_document_with_one_changed_field_is_refused():
    secured = add_proof(SPEC_UNSIGNED, SPEC_KEY, SPEC_OPTIONS)
    secured["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(ProofInvalid):
        verify_proof(secured)


def test_a_proof_context_that_is_not_a_prefix_is_refused():
    secured = add_proof(SPEC_UNSIGNED, SPEC_KEY, SPEC_OPTIONS)
    secured["@context"] = list(reversed(SPEC_CONTEXT))
    with pytest.raises(ProofInvalid, match="prefix"):
        verify_proof(secured)


def test_another_cryptosuite_is_refused():
    with pytest.raises(ProofInvalid):
        add_proof(SPEC_UNSIGNED, SPEC_KEY, {**SPEC_OPTIONS, "cryptosuite": "eddsa-rdfc-2022"})


# --- dispute credentials ---------------------------------------------------------------------

SERVICE = Ed25519PrivateKey.generate()
SERVICE_DID = did_key(key_id(SERVICE.public_key()))
DISPUTE = DisputeOutcome(
    dispute_id="3f5c1f0e-9a3b-4c1e-8d2a-6b7e0f1a2b3c", claimant_id="user:alice",
    respondent_id="user:bob", disputed_type="exchange", disputed_id="ex-42", outcome="resolved",
    resolution="Refund of 3 time credits", resolved_by="user:mod", resolved_at="2026-03-01T10:00:00Z",
)


def issued(**changes) -> dict:
    dispute = DisputeOutcome(**{**DISPUTE.__dict__, **changes})
    return issue_dispute_credential(SERVICE, "9d1e2f3a-0000-4000-8000-000000000001", dispute,
                                    "2026-03-01T10:00:01Z")


def test_a_resolved_dispute_gives_a_dispute_resolved_credential_from_the_service_did():
    credential = issued()
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "DisputeResolvedCredential"]
    assert credential["issuer"] == SERVICE_DID
    assert credential["validFrom"] == DISPUTE.resolved_at
    assert credential["credentialSubject"]["claimantId"] == "user:alice"
    assert credential["credentialSubject"]["dispute"]["outcome"] == "resolved"
    assert credential["proof"]["verificationMethod"] == f"{SERVICE_DID}#{key_id(SERVICE.public_key())}"
    assert verify_credential(credential) == SERVICE_DID


def test_a_dismissed_dispute_gives_a_dispute_lost_credential():
    credential = issued(outcome="dismissed")
    assert credential["type"][1] == "DisputeLostCredential"
    assert verify_credential(credential) == SERVICE_DID


def test_no_credential_for_an_open_or_escalated_dispute():
    for outcome in ("open", "escalated"):
        with pytest.raises(ValueError):
            dispute_credential("c", SERVICE_DID, DisputeOutcome(**{**DISPUTE.__dict__, "outcome": outcome}))


def _set(path):
    def change(credential):
        *parents, last = path
        target = credential
        for name in parents:
            target = target[name]
        target[last] = "tampered"
    return change


@pytest.mark.parametrize("change", [
    _set(["credentialSubject", "claimantId"]),
    _set(["credentialSubject", "dispute", "outcome"]),
    _set(["validFrom"]),
    _set(["proof", "created"]),
    lambda c: c["type"].__setitem__(1, "DisputeLostCredential"),
    lambda c: c.__setitem__("issuer", did_key(key_id(Ed25519PrivateKey.generate().public_key()))),
    lambda c: c["proof"].__setitem__("proofValue", c["proof"]["proofValue"][:-2] + "11"),
    lambda c: c["proof"].__setitem__("proofPurpose", "authentication"),
    lambda c: c.pop("proof"),
    lambda c: c.__setitem__("@context", ["https://www.w3.org/2018/credentials/v1"]),
])
def test_an_altered_credential_is_refused(change):
    credential = copy.deepcopy(issued())
    change(credential)
    with pytest.raises(CredentialInvalid):
        verify_credential(credential)


def test_a_credential_signed_by_another_key_than_its_issuer_is_refused():
    other = Ed25519PrivateKey.generate()
    method = f"{did_key(key_id(other.public_key()))}#{key_id(other.public_key())}"
    forged = add_proof(issued(), other, {**SPEC_OPTIONS, "verificationMethod": method})
    with pytest.raises(CredentialInvalid, match="not by the issuer"):
        verify_credential(forged)
