"""GET /api/v1/keys (issue 13): the service's Ed25519 public keys, without authentication (like
a JWKS document): the key that signs receipts and issues credentials now, then the retired ones,
so that receipts signed before a rotation still verify (infra.signing)."""

from flask import Blueprint

from api.endpoint import endpoint
from api.schemas.verification import KeysSchema
from infra.signing import published_keys

bp = Blueprint("keys", __name__, url_prefix="/api/v1/keys")
PATHS = {"/api/v1/keys"}


@bp.get("")
@endpoint(summary="The service's public keys: current first, then retired (no authentication)",
          responses={200: KeysSchema}, auth=False, tags=["verification"])
def list_keys():
    return {"items": published_keys()}
