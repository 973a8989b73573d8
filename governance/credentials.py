"""Verifiable Credentials for dispute outcomes (issue 13; W3C VC Data Model 2.0).

When a dispute is resolved or dismissed its claimant receives a credential issued by the service's
did:key and secured with an eddsa-jcs-2022 Data Integrity proof (governance.data_integrity):

    {"@context": ["https://www.w3.org/ns/credentials/v2"],
     "id": "urn:uuid:<credential id>",
     "type": ["VerifiableCredential", "DisputeResolvedCredential" | "DisputeLostCredential"],
     "issuer": "did:key:<service multikey>",
     "validFrom": <resolved_at>,
     "credentialSubject": {"claimantId": <claimant subject_id>,
                           "dispute": {"id": "urn:uuid:<dispute id>", "respondentId",
                                       "disputedType", "disputedId", "outcome" ("resolved" |
                                       "dismissed"), "resolution", "resolvedBy", "resolvedAt"}},
     "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created",
               "verificationMethod": "<issuer>#<multikey>", "proofPurpose": "assertionMethod",
               "@context": [...], "proofValue": "z..."}}

Subjects are the engine's subject ids, not URLs, so credentialSubject carries no "id". The terms
outside the v2 context resolve through its @vocab (issuer-dependent), as VC 2.0 allows.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.data_integrity import CRYPTOSUITE, PROOF_TYPE, ProofInvalid, add_proof, verify_proof
from governance.multibase import did_key, verification_method
from governance.signatures import key_id

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
CREDENTIAL_TYPES = {"resolved": "DisputeResolvedCredential", "dismissed": "DisputeLostCredential"}


class CredentialInvalid(ValueError):
    """A credential that is not a valid, intact dispute credential; the message says why."""


@dataclass(frozen=True)
class DisputeOutcome:
    """A closed dispute, as the credential states it. Times are ISO 8601 UTC text ("...Z")."""

    dispute_id: str
    claimant_id: str
    respondent_id: str
    disputed_type: str
    disputed_id: str
    outcome: str
    resolution: str
    resolved_by: str
    resolved_at: str


def dispute_credential(credential_id: str, issuer: str, dispute: DisputeOutcome) -> dict:
    """The unsigned credential for the claimant of `dispute`; raises ValueError when the dispute
    was not resolved or dismissed."""
    if dispute.outcome not in CREDENTIAL_TYPES:
        raise ValueError(f"no credential for a dispute outcome {dispute.outcome!r}")
    return {
        "@context": [VC_CONTEXT],
        "id": f"urn:uuid:{credential_id}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPES[dispute.outcome]],
        "issuer": issuer,
        "validFrom": dispute.resolved_at,
        "credentialSubject": {
            "claimantId": dispute.claimant_id,
            "dispute": {
                "id": f"urn:uuid:{dispute.dispute_id}",
                "respondentId": dispute.respondent_id,
                "disputedType": dispute.disputed_type,
                "disputedId": dispute.disputed_id,
                "outcome": dispute.outcome,
                "resolution": dispute.resolution,
                "resolvedBy": dispute.resolved_by,
                "resolvedAt": dispute.resolved_at,
            },
        },
    }


def issue_dispute_credential(
    private_key: Ed25519PrivateKey, credential_id: str, dispute: DisputeOutcome, created: str
) -> dict:
    """The credential of `dispute`, issued by the did:key of `private_key`, proof dated `created`."""
    multikey = key_id(private_key.public_key())
    document = dispute_credential(credential_id, did_key(multikey), dispute)
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method(multikey),
        "proofPurpose": "assertionMethod",
    }
    return add_proof(document, private_key, options)


def verify_credential(credential: Mapping) -> str:
    """Check a dispute credential; return its issuer DID.

    Checks the VC 2.0 shape (the v2 context first, VerifiableCredential and one dispute type),
    that the proof is an eddsa-jcs-2022 assertionMethod proof by the issuer's own did:key, and the
    proof's signature. Raises CredentialInvalid naming the first failure.
    """
    context, types = credential.get("@context"), credential.get("type")
    if not isinstance(context, list) or not context or context[0] != VC_CONTEXT:
        raise CredentialInvalid(f"@context must start with {VC_CONTEXT}")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        raise CredentialInvalid("type must include VerifiableCredential")
    if not any(t in CREDENTIAL_TYPES.values() for t in types):
        raise CredentialInvalid("not a dispute credential")
    proof = credential.get("proof")
    if isinstance(proof, Mapping) and proof.get("proofPurpose") != "assertionMethod":
        raise CredentialInvalid("the proof's purpose must be assertionMethod")
    try:
        signer = verify_proof(credential)
    except ProofInvalid as error:
        raise CredentialInvalid(str(error)) from None
    if signer != credential.get("issuer"):
        raise CredentialInvalid(f"signed by {signer}, not by the issuer {credential.get('issuer')}")
    return signer
