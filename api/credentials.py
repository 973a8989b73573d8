"""The caller's Verifiable Credentials (issue 13): one per dispute it opened that was resolved or
dismissed (services.credentials). `GET .../{id}` answers the credential document itself, which
`python -m verify` checks."""

import uuid

from flask import Blueprint, g
from marshmallow import ValidationError

from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.base import Extended
from api.schemas.verification import (
    CredentialDocumentSchema, CredentialListQuerySchema, CredentialPageSchema,
)
from governance.errors import Forbidden
from infra.db import transaction
from models import Credential
from services.credentials import credential_type, get_credential, held_by

bp = Blueprint("credentials", __name__, url_prefix="/api/v1/credentials")
TAGS = ["verification"]
URN = "urn:uuid:"


def _shown(rows) -> list:
    return [Extended(row, type=credential_type(row)) for row in rows]


@bp.get("")
@endpoint(summary="The caller's credentials, newest first (?subject_id=: another's, platform admins)",
          query=CredentialListQuerySchema, responses={200: CredentialPageSchema}, tags=TAGS)
def list_credentials(query: dict):
    holder = query.get("subject_id", g.principal.subject_id)
    if holder != g.principal.subject_id and not g.principal.is_platform_admin:
        raise Forbidden("only platform admins may list another subject's credentials")
    with transaction() as session:
        return listing(session, held_by(holder), [Credential.issued_at, Credential.id], query,
                       descending=True, present=_shown)


@bp.get("/<credential_id>")
@endpoint(summary="One credential (its holder): the W3C VC with its eddsa-jcs-2022 proof, as issued",
          responses={200: CredentialDocumentSchema}, tags=TAGS)
def get_one(credential_id: str):
    try:
        parsed = uuid.UUID(credential_id.removeprefix(URN))
    except ValueError:
        raise ValidationError({"credential_id": ["must be a UUID or urn:uuid:<UUID>"]}) from None
    with transaction() as session:
        return get_credential(session, parsed, g.principal).document
