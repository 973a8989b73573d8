"""The audit trail (SPEC 8.3): a DAO's events, newest first (can_read); the events of a proposal
moderation hid only to those who still see it (services.visibility)."""

from flask import Blueprint, g
from sqlalchemy import select

from services.access import dao_access
from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.activity import ActivityPageSchema, ActivityQuerySchema
from models import Event
from infra.db import transaction
from services.visibility import visible_events

bp = Blueprint("activity", __name__, url_prefix="/api/v1/daos/<slug>/activity")


@bp.get("")
@endpoint(summary="The DAO's events, newest first (?type=)", query=ActivityQuerySchema,
          responses={200: ActivityPageSchema}, tags=["activity"])
def list_activity(slug: str, query: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal)
        stmt = visible_events(select(Event).where(Event.dao_id == access.dao.id), g.principal, access)
        if "type" in query:
            stmt = stmt.where(Event.type == query["type"])
        return listing(session, stmt, [Event.seq], query, descending=True)
