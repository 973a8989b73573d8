"""A DAO's links to external projects (SPEC 3 `dao_projects`): GET, PUT and DELETE
/daos/{slug}/projects[/{project_id}], `project_ids` in the DAO answer, `?project_id=` on the
list, and the `project_linked` / `project_unlinked` events."""

import pytest

from governance.projects import MAX_PROJECTS_PER_DAO
from infra.db import transaction
from models import Dao
from services.projects import link_project
from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, events_of, problem, walk
from tests.factories import add_member, make_dao


@pytest.fixture
def dao():
    return make_dao()


def url(dao, project_id=None):
    base = f"/api/v1/daos/{dao.slug}/projects"
    return f"{base}/{project_id}" if project_id else base


def test_linking_a_project_answers_201_once_with_its_event(client, dao):
    project = unique("proj")
    response = client.put(url(dao, project), headers=auth(dao.owner_subject_id))
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"] == url(dao, project)
    link = response.get_json()
    assert link["project_id"] == project and link["linked_at"].endswith("Z")
    [event] = events_of(dao.id, "project_linked")
    assert event.subject == f"dao.{dao.slug}.project_linked"
    assert event.payload["data"] == link and event.actor == dao.owner_subject_id

    again = client.put(url(dao, project), headers=auth(dao.owner_subject_id))
    assert (again.status_code, again.get_json()) == (200, link)
    assert len(events_of(dao.id, "project_linked")) == 1


def test_the_links_are_listed_by_project_id_and_shown_in_every_dao_answer(client, dao):
    owner = dao.owner_subject_id
    projects = sorted(unique("proj") for _ in range(5))
    for project in reversed(projects):
        client.put(url(dao, project), headers=auth(owner))
    reader = unique("user:r")
    add_member(dao, reader, role="guest")
    assert [link["project_id"] for link in walk(client, url(dao), reader, limit=2)] == projects
    overview = client.get(f"/api/v1/daos/{dao.slug}", headers=auth(reader)).get_json()
    assert overview["dao"]["project_ids"] == projects
    listed = client.get("/api/v1/daos", headers=auth(reader)).get_json()["items"]
    assert [d["project_ids"] for d in listed if d["slug"] == dao.slug] == [projects]
    patched = client.patch(f"/api/v1/daos/{dao.slug}", json={"name": "Renamed"}, headers=auth(owner))
    assert patched.get_json()["project_ids"] == projects
    created = client.post("/api/v1/daos", json={"slug": unique("dao"), "name": "New"}, headers=auth(owner))
    assert created.get_json()["project_ids"] == []


def test_unlinking_answers_204_once_with_its_event(client, dao):
    project = unique("proj")
    client.put(url(dao, project), headers=auth(dao.owner_subject_id))
    assert client.delete(url(dao, project), headers=auth(dao.owner_subject_id)).status_code == 204
    [event] = events_of(dao.id, "project_unlinked")
    assert event.payload["data"]["project_id"] == project and event.subject == f"dao.{dao.slug}.project_unlinked"
    assert client.get(url(dao), headers=auth(dao.owner_subject_id)).get_json()["items"] == []
    assert client.delete(url(dao, project), headers=auth(dao.owner_subject_id)).status_code == 204
    assert len(events_of(dao.id, "project_unlinked")) == 1


def test_the_dao_list_filters_by_project_id(client):
    me, project = unique("user:me"), unique("proj")
    linked, unlinked = make_dao(owner=me), make_dao(owner=me)
    public_linked, private_linked = make_dao(is_public=True), make_dao()
    for dao in (linked, public_linked, private_linked):
        client.put(url(dao, project), headers=auth(dao.owner_subject_id))
    client.put(url(unlinked, unique("proj")), headers=auth(me))

    def slugs(query):
        return [d["slug"] for d in walk(client, f"/api/v1/daos?project_id={project}{query}", me, limit=500)]

    assert slugs("") == [linked.slug]
    assert slugs("&public=true") == sorted([linked.slug, public_linked.slug])


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_every_route_refuses_bad_credentials_with_401(client, dao, credentials):
    headers = BAD_CREDENTIALS[credentials]
    for method, path in (("get", url(dao)), ("put", url(dao, "p1")), ("delete", url(dao, "p1"))):
        problem(getattr(client, method)(path, headers=headers), 401, "unauthorized")


def test_linking_and_unlinking_need_can_manage_dao_and_reading_can_read(client, dao):
    member, outsider, project = unique("user:m"), unique("user:x"), unique("proj")
    add_member(dao, member)
    client.put(url(dao, project), headers=auth(dao.owner_subject_id))
    for subject in (member, outsider):
        problem(client.put(url(dao, unique("proj")), headers=auth(subject)), 403, "forbidden")
        problem(client.delete(url(dao, project), headers=auth(subject)), 403, "forbidden")
    problem(client.get(url(dao), headers=auth(outsider)), 403, "forbidden")
    assert [link["project_id"] for link in client.get(url(dao), headers=auth(member)).get_json()["items"]] == [project]
    assert len(events_of(dao.id, "project_linked")) == 1 and events_of(dao.id, "project_unlinked") == []


@pytest.mark.parametrize("project_id", ["-lead", ".x", "a%20b", "caf%C3%A9", "x" * 201, "a%00b", "a%0A"])
def test_an_invalid_project_id_is_422(client, dao, project_id):
    for method in (client.put, client.delete):
        errors = problem(method(url(dao, project_id), headers=auth(dao.owner_subject_id)), 422, "validation_error")
        assert list(errors["errors"]) == ["project_id"]
    assert events_of(dao.id, "project_linked") == []


@pytest.mark.parametrize("query", ["?project_id=", "?project_id=a%20b", "?project_id=-x", "?limit=0", "?x=1"])
def test_bad_list_queries_are_422(client, dao, query):
    problem(client.get(f"/api/v1/daos{query}", headers=auth(dao.owner_subject_id)), 422, "validation_error")
    if "project_id" not in query:
        problem(client.get(url(dao) + query, headers=auth(dao.owner_subject_id)), 422, "validation_error")


def test_a_dao_links_at_most_the_maximum_of_projects(client, dao):
    with transaction() as session:
        live = session.get(Dao, dao.id)
        for n in range(MAX_PROJECTS_PER_DAO):
            link_project(session, live, f"bulk-{n:03}", actor=dao.owner_subject_id)
    problem(client.put(url(dao, "one-more"), headers=auth(dao.owner_subject_id)), 409, "too_many_projects")
    assert client.put(url(dao, "bulk-000"), headers=auth(dao.owner_subject_id)).status_code == 200


def test_an_unknown_dao_is_404_and_a_deactivated_one_refuses_changes(client, dao):
    problem(client.put(f"/api/v1/daos/{unique('nodao')}/projects/p1", headers=auth(dao.owner_subject_id)), 404)
    client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(dao.owner_subject_id))
    problem(client.put(url(dao, "p1"), headers=auth(dao.owner_subject_id)), 409, "invalid_state")
    problem(client.delete(url(dao, "p1"), headers=auth(dao.owner_subject_id)), 409, "invalid_state")
    assert client.get(url(dao), headers=auth(dao.owner_subject_id)).status_code == 200
