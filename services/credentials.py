"""Credentials for dispute outcomes (issue 13; the rule is governance.credentials).

When a dispute is resolved or dismissed its claimant receives a W3C Verifiable Credential
(`DisputeResolvedCredential` or `DisputeLostCredential`) issued by the service's did:key with an
eddsa-jcs-2022 proof, stored in `credentials` in the resolution's transaction. A credential is
seen by its holder, and by platform admins.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from governance.credentials import DisputeOutcome, issue_dispute_credential
from governance.errors import Forbidden, NotFound
from infra.clock import utc_text, utcnow
from infra.signing import service_key
from models import Credential, Dispute


def issue_for_dispute(session, dispute: Dispute) -> Credential:
    """Issue and store the credential of `dispute`, just resolved or dismissed, to its claimant;
    raises ValueError for a dispute in another state."""
    resolved_at = utc_text(utcnow())
    outcome = DisputeOutcome(
        dispute_id=str(dispute.id), claimant_id=dispute.claimant_id, respondent_id=dispute.respondent_id,
        disputed_type=dispute.subject_type, disputed_id=dispute.subject_id, outcome=dispute.status,
        resolution=dispute.resolution, resolved_by=dispute.resolved_by, resolved_at=resolved_at,
    )
    credential_id = uuid.uuid4()
    document = issue_dispute_credential(service_key(), str(credential_id), outcome, resolved_at)
    credential = Credential(id=credential_id, holder_id=dispute.claimant_id, dispute_id=dispute.id, document=document)
    session.add(credential)
    session.flush()
    return credential


def issued_data(credential: Credential) -> dict:
    """The data of `dispute.credential_issued`: the credential itself, with who holds it."""
    return {
        "credential_id": str(credential.id), "holder_id": credential.holder_id,
        "credential_type": credential_type(credential), "credential": credential.document,
    }


def credential_type(credential: Credential) -> str:
    """The credential's own type (DisputeResolvedCredential or DisputeLostCredential)."""
    return next(t for t in credential.document["type"] if t != "VerifiableCredential")


def held_by(holder_id: str):
    """The statement listing the credentials a subject holds."""
    return select(Credential).where(Credential.holder_id == holder_id)


def get_credential(session, credential_id: uuid.UUID, principal) -> Credential:
    """One credential, for its holder or a platform admin."""
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise NotFound("no such credential")
    if credential.holder_id != principal.subject_id and not principal.is_platform_admin:
        raise Forbidden("only the holder of a credential may read it")
    return credential
