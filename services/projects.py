"""Links of DAOs to external projects (SPEC 3 `dao_projects`): linking, unlinking, and the links
of many DAOs at once for their answers. A link or an unlink that changes something emits
`project_linked` / `project_unlinked` (services.payloads.project_link_payload) in the caller's
transaction; linking a project linked already, or unlinking one that is not, changes nothing."""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from governance.projects import check_room_for_link
from models import Dao, DaoProject
from services.outbox import record_event
from services.payloads import project_link_payload


def find_link(session, dao: Dao, project_id: str) -> DaoProject | None:
    return session.scalar(select(DaoProject).where(DaoProject.dao_id == dao.id, DaoProject.project_id == project_id))


def link_project(session, dao: Dao, project_id: str, *, actor: str) -> tuple[DaoProject, bool]:
    """The DAO's link to `project_id`, and whether this call made it. A new link beyond
    governance.projects.MAX_PROJECTS_PER_DAO is TooManyProjects; the caller locks the DAO row, so
    that concurrent links are counted one after the other."""
    existing = find_link(session, dao, project_id)
    if existing is not None:
        return existing, False
    check_room_for_link(session.scalar(select(func.count()).where(DaoProject.dao_id == dao.id)))
    link_id = session.execute(
        insert(DaoProject).values(id=uuid.uuid4(), dao_id=dao.id, project_id=project_id)
        .on_conflict_do_nothing().returning(DaoProject.id)
    ).scalar_one_or_none()
    link = find_link(session, dao, project_id)
    if link_id is not None:
        record_event(session, "project_linked", actor=actor, dao=dao, data=project_link_payload(link))
    return link, link_id is not None


def unlink_project(session, dao: Dao, project_id: str, *, actor: str) -> bool:
    """Remove the DAO's link to `project_id`; True when there was one."""
    link = session.scalar(
        delete(DaoProject).where(DaoProject.dao_id == dao.id, DaoProject.project_id == project_id)
        .returning(DaoProject)
    )
    if link is None:
        return False
    record_event(session, "project_unlinked", actor=actor, dao=dao, data=project_link_payload(link))
    return True


def project_ids_of(session, dao_ids) -> dict[uuid.UUID, list[str]]:
    """dao id -> the project ids it links, in order (DAOs without links are absent)."""
    linked: dict[uuid.UUID, list[str]] = defaultdict(list)
    for dao_id, project_id in session.execute(
        select(DaoProject.dao_id, DaoProject.project_id)
        .where(DaoProject.dao_id.in_(list(dao_ids))).order_by(DaoProject.project_id)
    ):
        linked[dao_id].append(project_id)
    return linked


def daos_linking(project_id: str):
    """A subquery of the ids of the DAOs that link `project_id`."""
    return select(DaoProject.dao_id).where(DaoProject.project_id == project_id)
