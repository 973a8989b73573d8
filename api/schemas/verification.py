"""The answers of verifiable governance (issue 13): the service's keys, the signed result
receipt, the documents of verify/FORMATS.md, and the dispute credentials.

A signed or hashed value is dumped unchanged (free-form `Dict` fields, plain strings and
integers): reshaping one byte of it would break the signature or the hash it carries.
"""

from marshmallow import fields, validate

from api.pagination import MAX_LIMIT, PageQuerySchema
from api.schemas.base import AnswerSchema, StrictSchema
from api.schemas.fields import UtcDateTime
from api.schemas.pages import page_of

HASH = {"description": "SHA-256, 64 lowercase hex characters"}


class KeySchema(AnswerSchema):
    key_id = fields.String(metadata={"description": "the Ed25519 public key as a multikey (z6Mk...)"})
    alg = fields.String(metadata={"description": "Ed25519"})
    status = fields.String(validate=validate.OneOf(("current", "retired")),
                           metadata={"description": "retired keys stay listed so that old receipts verify"})
    did = fields.String(metadata={"description": "did:key:<key id>, the issuer of credentials"})
    public_key_multibase = fields.String()
    public_key_pem = fields.String()


class KeysSchema(AnswerSchema):
    items = fields.List(fields.Nested(KeySchema), metadata={"description": "the current key first"})


class ReceiptSchema(AnswerSchema):
    """A signed envelope (verify/FORMATS.md): Ed25519 over the RFC 8785 canonical JSON of body."""

    body = fields.Dict(metadata={"description": "the receipt: proposal, frozen settings, snapshot and ballots "
                                                "roots, result, chain head (verify/FORMATS.md)"})
    alg = fields.String()
    key_id = fields.String()
    signature = fields.String(metadata={"description": "unpadded base64url of the 64-byte signature"})


class SnapshotRowSchema(AnswerSchema):
    subject = fields.String()
    power = fields.String(metadata={"description": "8-place decimal text"})
    delegate = fields.String(allow_none=True)


class BallotRowSchema(AnswerSchema):
    voter = fields.String()
    ballot = fields.Dict(metadata={"description": "the counted ballot as cast, e.g. {\"choice\": \"yes\"}"})


class ProposalExportSchema(AnswerSchema):
    format = fields.String(metadata={"description": "governance.proposal_export"})
    version = fields.Integer()
    receipt = fields.Nested(ReceiptSchema)
    snapshot = fields.List(fields.Nested(SnapshotRowSchema), metadata={"description": "in Merkle leaf order"})
    ballots = fields.List(fields.Nested(BallotRowSchema), metadata={"description": "in Merkle leaf order"})


class ProofQuerySchema(StrictSchema):
    voter = fields.String(required=True, validate=validate.Length(1, 200),
                          metadata={"description": "the voter's subject id"})


class BallotProofSchema(AnswerSchema):
    format = fields.String(metadata={"description": "governance.ballot_proof"})
    version = fields.Integer()
    receipt = fields.Nested(ReceiptSchema)
    ballot = fields.Nested(BallotRowSchema)
    leaf_hash = fields.String(metadata={"description": "the ballot leaf's hash, as the vote job's result gave it"})
    index = fields.Integer(metadata={"description": "the leaf's position in the sorted tree"})
    path = fields.List(fields.String(metadata=HASH), metadata={"description": "RFC 9162 audit path, leaf level first"})


class AuditExportQuerySchema(PageQuerySchema):
    limit = fields.Integer(load_default=MAX_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"events per page (default and at most {MAX_LIMIT})"})


class AuditExportSchema(AnswerSchema):
    format = fields.String(metadata={"description": "governance.audit_export"})
    version = fields.Integer()
    chain = fields.String(metadata={"description": "dao:<dao id>"})
    events = fields.List(fields.Dict(), metadata={
        "description": "the SPEC 6 payloads with seq (the chain position), prev_hash and hash, ascending seq"})
    next_cursor = fields.String(allow_none=True)


class CredentialDocumentSchema(AnswerSchema):
    """A W3C Verifiable Credential (Data Model 2.0) with its eddsa-jcs-2022 proof, as issued."""

    context = fields.List(fields.String(), data_key="@context", attribute="@context")
    id = fields.String(metadata={"description": "urn:uuid:<credential id>"})
    type = fields.List(fields.String())
    issuer = fields.String(metadata={"description": "the service's did:key"})
    validFrom = fields.String()
    credentialSubject = fields.Dict()
    proof = fields.Dict(metadata={"description": "DataIntegrityProof, cryptosuite eddsa-jcs-2022"})


class CredentialSchema(AnswerSchema):
    id = fields.UUID()
    holder_id = fields.String()
    dispute_id = fields.UUID()
    type = fields.String(metadata={"description": "DisputeResolvedCredential or DisputeLostCredential"})
    issued_at = UtcDateTime()
    credential = fields.Nested(CredentialDocumentSchema, attribute="document")


class CredentialListQuerySchema(PageQuerySchema):
    subject_id = fields.String(validate=validate.Length(1, 200),
                               metadata={"description": "another holder's credentials (platform admins)"})


CredentialPageSchema = page_of(CredentialSchema, "CredentialPage")
