"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, g, request

from api import errors, health, jobs, metrics, openapi, stream, treasury
from api import disputes, moderation, timebank
from api import activity, daos, delegations, member_roles, members, roles
from api import projects, proposals, ratelimit, signin, votes
from api import audit, credentials, exports, keys
from api.auth import decode_token
from api.cors import install_cors
from api.requests import refuse_long_url
from api.request_log import install_request_log
from api.vote_fast_path import VoteFastPath, raise_handed_over
from infra.logging import configure_logging
from api.dashboard import pages as dashboard

MAX_BODY_BYTES = 1024 * 1024
PUBLIC_PATHS = {"/api/v1/openapi.json"} | signin.PATHS | keys.PATHS

BLUEPRINTS = [
    health.bp, metrics.bp, openapi.bp, jobs.bp,
    daos.bp, members.bp, member_roles.bp, roles.bp, delegations.bp, projects.bp, activity.bp, stream.bp,
    treasury.bp, timebank.bp, proposals.bp, votes.bp, disputes.bp, moderation.bp, signin.bp,
    keys.bp, audit.bp, exports.bp, credentials.bp,
    dashboard.bp,
]


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_SORT_KEYS=False)
    app.config.update(config or {})
    if not app.testing:
        configure_logging()
    errors.register_error_handlers(app)
    install_request_log(app)  # before authentication, so that a 401 carries its request id too
    install_cors(app)  # before authentication: a preflight carries no credentials
    app.before_request(refuse_long_url)

    @app.before_request
    def authenticate():
        if request.path.startswith("/api/v1/") and request.path not in PUBLIC_PATHS:
            g.principal = decode_token(request.headers.get("Authorization"))

    app.before_request(raise_handed_over)  # after authenticate: the vote fast path's 429 or 503 (below)
    app.before_request(ratelimit.limit_writes)  # after authenticate: keyed by the subject
    app.register_error_handler(ratelimit.RateLimited, ratelimit.refusal)
    app.before_request(moderation.refuse_banned_writes)  # after authenticate: a ban holds everywhere

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.wsgi_app = VoteFastPath(app, app.config["MAX_CONTENT_LENGTH"])  # the plain accepted vote
    return app
