"""Deactivation and restoration of a DAO (SPEC 8.3 DELETE, issue 11): deactivation cancels the
DAO's active proposals with their events and keeps its drafts; its owners still list it and
restore it with POST /daos/{slug}/restore."""

import pytest
from sqlalchemy import select

from governance.errors import InvalidState
from infra.db import transaction
from models import Proposal
from services.lifecycle import run_transition
from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, events_of, problem
from tests.factories import add_member, make_dao
from tests.proposals.helpers import act, create, url


def restore(client, dao, subject, **body):
    return client.post(f"/api/v1/daos/{dao.slug}/restore", json=body, headers=auth(subject))


def deactivate(client, dao, subject=None):
    response = client.delete(f"/api/v1/daos/{dao.slug}", headers=auth(subject or dao.owner_subject_id))
    assert response.status_code == 204, response.get_json()


def statuses(dao) -> dict[str, str]:
    with transaction() as session:
        return dict(session.execute(select(Proposal.slug, Proposal.status).where(Proposal.dao_id == dao.id)).all())


def test_deactivation_cancels_the_active_proposals_with_their_events_and_keeps_the_drafts(client, worker):
    dao = make_dao()
    owner, admin = dao.owner_subject_id, unique("user:admin")
    add_member(dao, admin, role="admin")
    active = [create(client, dao, owner)["slug"] for _ in range(2)]
    draft, passed = create(client, dao, owner)["slug"], create(client, dao, owner)["slug"]
    for slug in (*active, passed):
        act(client, dao, slug, "activate", owner)
    client.post(url(dao, passed, "/votes"), json={"choice": "yes"}, headers=auth(owner, Prefer="wait=20"))
    act(client, dao, passed, "close", owner)

    deactivate(client, dao, admin)
    assert statuses(dao) == {**{slug: "canceled" for slug in active}, draft: "draft", passed: "passed"}
    changes = [e.payload["data"] for e in events_of(dao.id, "proposal_status_changed") if e.actor == admin]
    assert sorted((c["proposal_slug"], c["from_status"], c["to_status"]) for c in changes) == sorted(
        (slug, "active", "canceled") for slug in active)
    [deactivated] = events_of(dao.id, "dao_deactivated")
    later = [e for e in events_of(dao.id) if e.seq > deactivated.seq]
    assert {e.type for e in later} == {"proposal_status_changed"} and len(later) == 2
    deactivate(client, dao)  # a second time changes nothing, and emits nothing
    assert [e.id for e in events_of(dao.id) if e.seq > deactivated.seq] == [e.id for e in later]


def test_an_activation_queued_before_the_deactivation_is_refused(client):
    dao = make_dao()
    draft = create(client, dao, dao.owner_subject_id)
    deactivate(client, dao)
    with pytest.raises(InvalidState, match="deactivated"), transaction() as session:
        run_transition(session, draft["id"], "activate", actor=dao.owner_subject_id)
    assert statuses(dao) == {draft["slug"]: "draft"}


def test_the_owner_restores_it_once_with_its_event_and_gets_its_drafts_back(client, worker):
    dao = make_dao()
    owner = dao.owner_subject_id
    draft = create(client, dao, owner)["slug"]
    deactivate(client, dao)
    response = restore(client, dao, owner)
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert shown["is_active"] is True and shown["slug"] == dao.slug and shown["project_ids"] == []
    [event] = events_of(dao.id, "dao_restored")
    assert event.subject == f"dao.{dao.slug}.dao_restored" and event.actor == owner
    assert event.payload["data"]["is_active"] is True
    assert restore(client, dao, owner).get_json() == shown  # active already: no change
    assert len(events_of(dao.id, "dao_restored")) == 1
    assert client.patch(f"/api/v1/daos/{dao.slug}", json={"name": "Back"}, headers=auth(owner)).status_code == 200
    act(client, dao, draft, "activate", owner)


def test_an_empty_body_or_none_restores(client):
    dao = make_dao()
    deactivate(client, dao)
    response = client.post(f"/api/v1/daos/{dao.slug}/restore", headers=auth(dao.owner_subject_id))
    assert response.status_code == 200 and response.get_json()["is_active"] is True


def test_only_its_owners_restore_it(client):
    dao = make_dao()
    admin, member, second_owner = unique("user:admin"), unique("user:m"), unique("user:o2")
    add_member(dao, admin, role="admin")
    add_member(dao, member)
    add_member(dao, second_owner, role="owner")
    deactivate(client, dao)
    for subject in (admin, member, unique("user:outsider")):
        problem(restore(client, dao, subject), 403, "forbidden")
    assert events_of(dao.id, "dao_restored") == []
    assert restore(client, dao, second_owner).status_code == 200


def test_a_former_owner_does_not_restore_it(client):
    dao = make_dao()
    former = unique("user:former")
    add_member(dao, former, role="owner", status="left")
    deactivate(client, dao)
    problem(restore(client, dao, former), 403, "forbidden")


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_restore_refuses_bad_credentials_with_401(client, credentials):
    dao = make_dao()
    problem(client.post(f"/api/v1/daos/{dao.slug}/restore", json={}, headers=BAD_CREDENTIALS[credentials]),
            401, "unauthorized")


@pytest.mark.parametrize("body", [{"is_active": True}, {"reason": "oops"}])
def test_restore_refuses_a_body_with_fields_with_422(client, body):
    dao = make_dao()
    deactivate(client, dao)
    problem(restore(client, dao, dao.owner_subject_id, **body), 422, "validation_error")
    assert events_of(dao.id, "dao_restored") == []


def test_restore_of_an_unknown_dao_is_404(client):
    problem(client.post(f"/api/v1/daos/{unique('nodao')}/restore", json={}, headers=auth("user:a")), 404, "not_found")
