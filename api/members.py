"""Member routes (SPEC 8.3): list, add, read, change role/power/status, remove (status `left`).

Managing a member needs can_manage_members and, against escalation, every entitlement the member's
roles and the role given grant (services.member_roles.require_may_manage). A member may remove
itself (leave). Its extra roles: api/member_roles.py.

A member is its type and its id (SPEC 3): `/members/<subject_id>` names the one member with that
id, and `?subject_type=user|agent` picks one when the id is both a user's and an agent's (without
it, such a path answers 409 `ambiguous_subject`). The Location of a new member carries its type.
"""

from flask import Blueprint, g
from sqlalchemy import or_, select, tuple_

from services.access import dao_access, require_active
from api.endpoint import endpoint
from api.pagination import listing
from api.schemas.base import Extended
from api.schemas.members import (
    MemberAddSchema, MemberListQuerySchema, MemberPageSchema, MemberQuerySchema, MemberSchema, MemberUpdateSchema,
)
from models import DaoMember, DaoRoleAssignment
from infra.db import transaction
from services.entitlements import members_roles
from services.members import add_member, find_member, get_member, remove_member, update_member
from services.member_roles import require_may_manage


def member_answers(session, dao, members) -> list[Extended]:
    """Members as MemberSchema shows them, each with `roles` (every role held)."""
    return [Extended(member, roles=codes) for member, codes in zip(members, members_roles(session, dao, members))]


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
            extra = select(DaoRoleAssignment.subject_type, DaoRoleAssignment.subject_id).where(
                DaoRoleAssignment.dao_id == dao.id, DaoRoleAssignment.role == query["role"]
            )
            held = tuple_(DaoMember.subject_type, DaoMember.subject_id).in_(extra)
            stmt = stmt.where(or_(DaoMember.role == query["role"], held))
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
        existing = find_member(session, access.dao, body["subject_id"], body["subject_type"])
        require_may_manage(session, access, existing, body["role"])
        member = add_member(session, access.dao, actor=g.principal.subject_id, **body)
        shown = member_answer(session, access.dao, member)
    location = f"/api/v1/daos/{slug}/members/{member.subject_id}?subject_type={member.subject_type}"
    return shown, 201, {"Location": location}


@bp.get("/<subject_id>")
@endpoint(summary="One member (?subject_type= when the id is both a user's and an agent's)",
          query=MemberQuerySchema, responses={200: MemberSchema}, tags=TAGS, problems=(409,))
def get_one(slug: str, subject_id: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return member_answer(session, dao, get_member(session, dao, subject_id, query.get("subject_type")))


@bp.patch("/<subject_id>")
@endpoint(summary="Change a member's role, voting power or status (can_manage_members)",
          query=MemberQuerySchema, body=MemberUpdateSchema, responses={200: MemberSchema}, tags=TAGS)
def patch_member(slug: str, subject_id: str, query: dict, body: dict):
    with transaction() as session:
        access = dao_access(session, slug, g.principal, "can_manage_members")
        require_active(access.dao)
        member = get_member(session, access.dao, subject_id, query.get("subject_type"), lock=True)
        require_may_manage(session, access, member, body.get("role"))
        update_member(session, access.dao, member, body, actor=g.principal.subject_id)
        return member_answer(session, access.dao, member)


@bp.delete("/<subject_id>")
@endpoint(summary="Remove a member: status left (can_manage_members, or the member itself)",
          query=MemberQuerySchema, responses={204: None}, tags=TAGS)
def delete_member(slug: str, subject_id: str, query: dict):
    principal = g.principal
    subject_type = query.get("subject_type")
    leaving = subject_id == principal.subject_id and subject_type in (None, principal.subject_type)
    if leaving:
        subject_type = principal.subject_type
    with transaction() as session:
        access = dao_access(session, slug, principal, None if leaving else "can_manage_members")
        require_active(access.dao)
        if not leaving:
            require_may_manage(session, access, get_member(session, access.dao, subject_id, subject_type, lock=True))
        remove_member(session, access.dao, subject_id, actor=principal.subject_id, subject_type=subject_type)
    return "", 204
