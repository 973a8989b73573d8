"""Extra roles of a member (SPEC 3 `dao_role_assignments`): a sub-resource of the member.

    PUT    /api/v1/daos/{slug}/members/{subject_id}/roles/{code}   give the extra role (200, the member)
    DELETE /api/v1/daos/{slug}/members/{subject_id}/roles/{code}   take it away (204; not held: no change)

Both need can_manage_members and, against escalation, every entitlement the member's roles and
the role `code` grant (services.member_roles). The member's answer lists every role held in
`roles`; its role itself changes with PATCH .../members/{subject_id} `role`.
"""

from flask import Blueprint, g

from api.endpoint import endpoint
from api.members import member_answer
from api.schemas.members import MemberQuerySchema, MemberSchema
from infra.db import transaction
from services.access import dao_access, require_active
from services.member_roles import grant_extra_role, require_may_manage, revoke_extra_role
from services.members import get_member

bp = Blueprint("member_roles", __name__, url_prefix="/api/v1/daos/<slug>/members/<subject_id>/roles")
TAGS = ["members"]


def _manage(session, slug: str, subject_id: str, subject_type: str | None, code: str):
    access = dao_access(session, slug, g.principal, "can_manage_members")
    require_active(access.dao)
    member = get_member(session, access.dao, subject_id, subject_type, lock=True)
    require_may_manage(session, access, member, code, field="code")
    return access.dao, member


@bp.put("/<code>")
@endpoint(summary="Give a member an extra role (can_manage_members and every entitlement involved); "
                  "held already: no change", query=MemberQuerySchema, responses={200: MemberSchema}, tags=TAGS,
          problems=(409,))
def put_role(slug: str, subject_id: str, code: str, query: dict):
    with transaction() as session:
        dao, member = _manage(session, slug, subject_id, query.get("subject_type"), code)
        grant_extra_role(session, dao, member, code, actor=g.principal.subject_id)
        return member_answer(session, dao, member)


@bp.delete("/<code>")
@endpoint(summary="Take an extra role from a member (can_manage_members and every entitlement involved); "
                  "not held: no change", query=MemberQuerySchema, responses={204: None}, tags=TAGS,
          problems=(409,))
def delete_role(slug: str, subject_id: str, code: str, query: dict):
    with transaction() as session:
        dao, member = _manage(session, slug, subject_id, query.get("subject_type"), code)
        revoke_extra_role(session, dao, member, code, actor=g.principal.subject_id)
    return "", 204
