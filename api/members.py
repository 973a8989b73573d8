"""Member routes (SPEC 8.3): list, add, read, change role/power/status, remove (status `left`).

Managing a member needs can_manage_members and, against escalation, every entitlement the member's
roles and the role given grant (services.member_roles.require_may_manage). A member may remove
itself (leave). Its extra roles: api/member_roles.py.
"""

from flask import Blueprint, g
from sqlalchemy import or_, select

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.base import Extended
from api.schemas.members import (
    MemberAddSchema, MemberListQuerySchema, MemberPageSchema, MemberSchema, MemberUpdateSchema,
)
from models import DaoMember, DaoRoleAssignment
from infra.db import transaction
from services.members import (
    add_member, find_member, get_member, remove_member, roles_held, update_member,
)
from services.member_roles import require_may_manage

def member_answers(session, dao, members) -> list[Extended]:
    """Members as MemberSchema shows them, each with `roles` (every role held)."""
    held = roles_held(session, dao, members)
    return [Extended(member, roles=held[member.subject_id]) for member in members]


def member_answer(session, dao, member) -> Extended:
    return member_answers(session, dao, [member])[0]


bp = Blueprint("members", __name__, url_prefix="/api/v1/daos/<slug>/members")
TAGS = ["members"]


@bp.get("")
@endpoint(summary="The DAO's members (?status=, ?role= matches the role or an extra role)",
          query=MemberListQuerySchema, responses={200: MemberPageSchema}, tags=TAGS)
def list_members(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        stmt = select(DaoMember).where(DaoMember.dao_id == dao.id)
        if "status" in query:
            stmt = stmt.where(DaoMember.status == query["status"])
        if "role" in query:
            extra = select(DaoRoleAssignment.subject_id).where(
                DaoRoleAssignment.dao_id == dao.id, DaoRoleAssignment.role == query["role"]
            )
            stmt = stmt.where(or_(DaoMember.role == query["role"], DaoMember.subject_id.in_(extra)))
        return listing(
            session,
            stmt,
            [DaoMember.subject_id, DaoMember.id],
            query,
            present=lambda rows: member_answers(session, dao, rows),
        )


@bp.post("")
@endpoint(summary="Add a member, or re-activate one that left or is pending (can_manage_members)",
          body=MemberAddSchema, responses={201: MemberSchema}, tags=TAGS)
def post_member(slug: str, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, "can_manage_members")
        require_active(access.dao)
        require_may_manage(session, access, find_member(session, access.dao, body["subject_id"]), body["role"])
        member = add_member(session, access.dao, actor=g.principal.subject_id, **body)
        shown = member_answer(session, access.dao, member)
    return shown, 201, {"Location": f"/api/v1/daos/{slug}/members/{member.subject_id}"}


@bp.get("/<subject_id>")
@endpoint(summary="One member", responses={200: MemberSchema}, tags=TAGS)
def get_one(slug: str, subject_id: str):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return member_answer(session, dao, get_member(session, dao, subject_id))


@bp.patch("/<subject_id>")
@endpoint(summary="Change a member's role, voting power or status (can_manage_members)",
          body=MemberUpdateSchema, responses={200: MemberSchema}, tags=TAGS)
def patch_member(slug: str, subject_id: str, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, "can_manage_members")
        require_active(access.dao)
        member = get_member(session, access.dao, subject_id, lock=True)
        require_may_manage(session, access, member, body.get("role"))
        update_member(session, access.dao, member, body, actor=g.principal.subject_id)
        return member_answer(session, access.dao, member)


@bp.delete("/<subject_id>")
@endpoint(summary="Remove a member: status left (can_manage_members, or the member itself)",
          responses={204: None}, tags=TAGS)
def delete_member(slug: str, subject_id: str):
    leaving = subject_id == g.principal.subject_id
    with transaction() as session:
        access = dao_access(session, slug, g.principal, None if leaving else "can_manage_members")
        require_active(access.dao)
        if not leaving:
            require_may_manage(session, access, get_member(session, access.dao, subject_id, lock=True))
        remove_member(session, access.dao, subject_id, actor=g.principal.subject_id)
    return "", 204
