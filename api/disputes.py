"""Dispute routes (SPEC 7, 8.3): open, list and read; evidence, moderator, resolve, escalate;
the moderators' queue. Synchronous: each is one transaction in services.disputes."""

from flask import Blueprint, g

from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.disputes import (
    AssignModeratorSchema, DisputeListQuerySchema, DisputePageSchema, DisputeSchema, EscalateSchema,
    EvidenceSchema, ModeratorQueueQuerySchema, OpenDisputeSchema, ResolveSchema,
)
from models import Dispute
from infra.db import transaction
from services import disputes

bp = Blueprint("disputes", __name__, url_prefix="/api/v1/disputes")

TAGS = ["disputes"]


def _page(session, stmt, query: dict) -> dict:
    return listing(session, stmt, [Dispute.created_at, Dispute.id], query, descending=True)


@bp.post("")
@endpoint(summary="Open a dispute against another subject", body=OpenDisputeSchema,
          responses={201: DisputeSchema}, tags=TAGS)
def open_dispute(body: dict):
    with transaction() as session:
        dispute = disputes.open_dispute(session, g.principal, **body)
    return dispute, 201, {"Location": f"/api/v1/disputes/{dispute.id}"}


@bp.get("")
@endpoint(summary="The disputes where the caller is a party, newest first", query=DisputeListQuerySchema,
          responses={200: DisputePageSchema}, tags=TAGS)
def list_disputes(query: dict):
    with transaction() as session:
        return _page(session, disputes.party_disputes(g.principal, query["status"]), query)


@bp.get("/moderator/queue")
@endpoint(summary="Disputes waiting for the caller: open and under review in the DAOs it moderates; for "
                  "platform moderators every one, escalated ones too (?status=, ?assigned=me: only theirs)",
          query=ModeratorQueueQuerySchema, responses={200: DisputePageSchema}, tags=TAGS)
def moderator_queue(query: dict):
    with transaction() as session:
        stmt = disputes.moderator_queue(session, g.principal, status=query["status"],
                                        assigned_to_me=query["assigned"] == "me")
        return _page(session, stmt, query)


@bp.get("/<dispute_id>")
@endpoint(summary="A dispute (its parties and moderators)", responses={200: DisputeSchema}, tags=TAGS)
def get_dispute(dispute_id: str):
    with transaction() as session:
        return disputes.get_dispute(session, dispute_id, g.principal)


@bp.post("/<dispute_id>/evidence")
@endpoint(summary="Add evidence while open or under review (parties and moderators)", body=EvidenceSchema,
          responses={200: DisputeSchema}, tags=TAGS)
def add_evidence(dispute_id: str, body: dict):
    with transaction() as session:
        return disputes.add_evidence(session, dispute_id, g.principal, body["evidence"])


@bp.post("/<dispute_id>/moderator")
@endpoint(summary="Assign a moderator (absent: the caller); the dispute goes under review",
          body=AssignModeratorSchema, responses={200: DisputeSchema}, tags=TAGS)
def assign_moderator(dispute_id: str, body: dict):
    with transaction() as session:
        return disputes.assign_moderator(session, dispute_id, g.principal, body["moderator_id"])


@bp.post("/<dispute_id>/resolve")
@endpoint(summary="Resolve or dismiss a dispute under review (moderators) or escalated (platform moderators)",
          body=ResolveSchema,
          responses={200: DisputeSchema}, tags=TAGS)
def resolve(dispute_id: str, body: dict):
    with transaction() as session:
        return disputes.resolve(session, dispute_id, g.principal, **body)


@bp.post("/<dispute_id>/escalate")
@endpoint(summary="Escalate a dispute under review (parties and moderators), or an open one no moderator "
                  "took in time (parties), to the platform moderators", body=EscalateSchema,
          responses={200: DisputeSchema}, tags=TAGS)
def escalate(dispute_id: str, body: dict):
    with transaction() as session:
        return disputes.escalate(session, dispute_id, g.principal)
