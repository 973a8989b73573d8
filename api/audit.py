"""GET /api/v1/daos/{slug}/audit/export (issue 13): the DAO's hash-chained audit trail, by chain
position, in pages (verify/FORMATS.md, audit export; `python -m verify` checks each page from its
first event's prev_hash).

Access is `can_read`, as for the activity route: the export holds the same events, plus the links
that let a reader check them, and the point of the chain is that any member can. Events appear
once the bridge has linked them (shortly after their transaction commits).
"""

from flask import Blueprint, g

from api.endpoint import endpoint
from api.pagination import page
from api.schemas.verification import AuditExportQuerySchema, AuditExportSchema
from infra.db import transaction
from models import Event
from services.access import dao_access
from services.audit_chain import chain_page, dao_chain
from services.exports import audit_document

bp = Blueprint("audit", __name__, url_prefix="/api/v1/daos/<slug>/audit")


@bp.get("/export")
@endpoint(summary="The DAO's audit chain, ascending seq, paginated (can_read)", query=AuditExportQuerySchema,
          responses={200: AuditExportSchema}, tags=["verification"])
def export_chain(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        chain = dao_chain(dao.id)
        rows, next_cursor = page(session, chain_page(chain), [Event.chain_seq], limit=query["limit"],
                                 cursor=query["cursor"])
        return audit_document(chain, rows, next_cursor)
