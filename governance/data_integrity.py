"""Data Integrity proofs with the `eddsa-jcs-2022` cryptosuite (W3C vc-di-eddsa, section 3.3).

Create (3.3.1): proof = the proof options plus the document's @context; proofConfig = that proof
without proofValue; hashData = SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without
proof)); proofValue = multibase base58-btc of the Ed25519 signature of hashData.
Verify (3.3.2): the same with the proof taken off the document; a proof @context must be a prefix
of the document's @context and replaces it for hashing. The key comes from the proof's
verificationMethod, which must be an Ed25519 did:key ("did:key:<mk>#<mk>").
The spec's own test vector (TestVectors/eddsa-jcs-2022) is reproduced by tests/rules.
"""

from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from governance.canonical import canonical_json, sha256
from governance.multibase import did_key, multibase_decode, multibase_encode, multikey_of_did
from governance.signatures import public_key_from_id

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"


class ProofInvalid(ValueError):
    """A secured document whose proof does not verify; the message says why."""


def _hash_data(document: Mapping, proof_config: Mapping) -> bytes:
    if proof_config.get("type") != PROOF_TYPE or proof_config.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid(f"proof is not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    return sha256(canonical_json(proof_config)) + sha256(canonical_json(document))


def add_proof(document: Mapping, private_key: Ed25519PrivateKey, options: Mapping) -> dict:
    """`document` secured with an eddsa-jcs-2022 proof made from `options` (type, cryptosuite,
    created, verificationMethod, proofPurpose); returns a new document with "proof"."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof = dict(options)
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = private_key.sign(_hash_data(unsecured, proof))
    proof["proofValue"] = multibase_encode(signature)
    return {**unsecured, "proof": proof}


def verify_proof(secured: Mapping) -> str:
    """Verify the eddsa-jcs-2022 proof of `secured`; return the did:key of its verification method.

    Raises ProofInvalid for a missing or malformed proof, a @context mismatch, or a signature
    that does not verify. Whether that DID may issue the document is the caller's decision.
    """
    proof = secured.get("proof")
    if not isinstance(proof, Mapping):
        raise ProofInvalid("no proof object")
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    unsecured = {key: value for key, value in secured.items() if key != "proof"}
    if "@context" in options:
        context, prefix = _as_list(unsecured.get("@context")), _as_list(options["@context"])
        if context[: len(prefix)] != prefix:
            raise ProofInvalid("the proof @context is not a prefix of the document's @context")
        unsecured["@context"] = options["@context"]
    try:
        multikey = multikey_of_did(options.get("verificationMethod"))
        signature = multibase_decode(proof.get("proofValue"))
    except ValueError as error:
        raise ProofInvalid(f"malformed verificationMethod or proofValue: {error}") from None
    try:
        public_key_from_id(multikey).verify(signature, _hash_data(unsecured, options))
    except InvalidSignature:
        raise ProofInvalid("the proof's signature does not verify") from None
    return did_key(multikey)


def _as_list(value) -> list:
    return list(value) if isinstance(value, list) else [value]
