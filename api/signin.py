"""The development sign-in of the dashboard (issue 9): while the API runs with the development JWT
secret (infra.config.DEVELOPMENT_JWT_SECRET), anyone may mint a token for a subject, as the CLI
`python -m api.auth` does; with a configured secret or public key the mint route answers 404."""

from flask import Blueprint

from api.auth import development_sign_in_available, mint_development_token
from api.endpoint import endpoint
from api.schemas.signin import DevelopmentSignInSchema, DevelopmentTokenRequestSchema, DevelopmentTokenSchema

bp = Blueprint("signin", __name__, url_prefix="/api/v1/auth/development")
TAGS = ["auth"]
PATHS = {"/api/v1/auth/development", "/api/v1/auth/development/tokens"}  # public: no token needed


@bp.get("")
@endpoint(summary="Whether the development sign-in is available", auth=False,
          responses={200: DevelopmentSignInSchema}, tags=TAGS)
def get_development_sign_in():
    return {"available": development_sign_in_available()}


@bp.post("/tokens")
@endpoint(summary="Mint a token for a subject (only with the development secret; 404 otherwise)", auth=False,
          body=DevelopmentTokenRequestSchema, responses={201: DevelopmentTokenSchema}, tags=TAGS)
def post_development_token(body: dict):
    return mint_development_token(body["subject_id"], body["subject_type"]), 201


post_development_token.openapi = {"responses": {"404": {
    "description": "The development sign-in is off (the API runs with a configured secret)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}}}
