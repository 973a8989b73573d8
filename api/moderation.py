"""Moderation routes (SPEC 7, 8.3): record an action and list them by target (moderators),
and the one check that makes a ban take effect at once on every route that changes state."""

from flask import Blueprint, current_app, g, request

from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.moderation import (
    ModerationActionInputSchema, ModerationActionPageSchema, ModerationActionQuerySchema,
    ModerationActionSchema,
)
from models import ModerationAction
from infra.db import transaction
from services import moderation

bp = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation")

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def refuse_banned_writes() -> None:
    """`before_request` hook: a banned subject may read, but its state-changing requests are
    refused with 403 `banned` (SPEC 7). A route marked `checks_ban` (the vote POST: its one
    statement checks it, services.vote_accept) is left to check it itself."""
    principal = getattr(g, "principal", None)
    if principal is not None and request.method in WRITE_METHODS:
        if getattr(current_app.view_functions.get(request.endpoint), "checks_ban", False):
            return
        with transaction() as session:
            moderation.refuse_banned(session, principal.subject_id)


@bp.post("/actions")
@endpoint(summary="Record a moderation action (moderators; append-only)", body=ModerationActionInputSchema,
          responses={201: ModerationActionSchema}, tags=["moderation"])
def post_action(body: dict):
    with transaction() as session:
        entry = moderation.record_action(session, g.principal, **body)
    return entry, 201


@bp.get("/actions")
@endpoint(summary="Moderation actions, newest first, by ?target_type=&target_id= (moderators)",
          query=ModerationActionQuerySchema, responses={200: ModerationActionPageSchema}, tags=["moderation"])
def list_actions(query: dict):
    with transaction() as session:
        stmt = moderation.actions_query(session, g.principal, target_type=query["target_type"],
                                        target_id=query["target_id"])
        return listing(
            session,
            stmt,
            [ModerationAction.created_at, ModerationAction.id],
            query,
            descending=True,
        )
