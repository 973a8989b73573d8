"""A DAO's links to external projects (SPEC 3 `dao_projects`, issue 11):

    GET    /api/v1/daos/{slug}/projects                the links, by project id (can_read)
    PUT    /api/v1/daos/{slug}/projects/{project_id}   link (can_manage_dao): 201 new, 200 linked already
    DELETE /api/v1/daos/{slug}/projects/{project_id}   unlink (can_manage_dao): 204, linked or not

The DAO answer lists them in `project_ids`; `GET /daos?project_id=` finds the DAOs linking one.
A project id: governance.projects (422 otherwise).
"""

from flask import Blueprint, g
from sqlalchemy import select

from api.endpoint import endpoint
from api.pagination import PageQuerySchema, listing
from api.schemas.daos import DaoProjectPageSchema, DaoProjectSchema
from governance.projects import check_project_id
from infra.db import transaction
from models import DaoProject
from services.access import dao_access, require_active
from services.projects import link_project, unlink_project

bp = Blueprint("projects", __name__, url_prefix="/api/v1/daos/<slug>/projects")
TAGS = ["daos"]


def _manage(session, slug: str, project_id: str):
    check_project_id(project_id)
    access = dao_access(session, slug, g.principal, "can_manage_dao", for_update=True)
    require_active(access.dao)
    return access.dao


@bp.get("")
@endpoint(summary="The external projects the DAO links, by project id", query=PageQuerySchema,
          responses={200: DaoProjectPageSchema}, tags=TAGS)
def list_projects(slug: str, query: dict):
    with transaction() as session:
        dao = dao_access(session, slug, g.principal).dao
        return listing(session, select(DaoProject).where(DaoProject.dao_id == dao.id), [DaoProject.project_id], query)


@bp.put("/<project_id>")
@endpoint(summary="Link the DAO to an external project (can_manage_dao); linked already: no change",
          responses={200: DaoProjectSchema, 201: DaoProjectSchema}, tags=TAGS)
def put_project(slug: str, project_id: str):
    with transaction() as session:
        dao = _manage(session, slug, project_id)
        link, created = link_project(session, dao, project_id, actor=g.principal.subject_id)
    if created:
        return link, 201, {"Location": f"/api/v1/daos/{slug}/projects/{project_id}"}
    return link


@bp.delete("/<project_id>")
@endpoint(summary="Unlink an external project (can_manage_dao); not linked: no change", responses={204: None},
          tags=TAGS)
def delete_project(slug: str, project_id: str):
    with transaction() as session:
        unlink_project(session, _manage(session, slug, project_id), project_id, actor=g.principal.subject_id)
    return "", 204
