"""A ban takes effect at once everywhere (SPEC 4, 7): the banned subject's state-changing
requests are refused with 403 `banned`, it holds no entitlement in any DAO, its queued
movements fail; reads still work; `restore` lifts it."""

import pytest

from models import Job
from infra.db import transaction
from tasks.timebank import transfer_time_credits
from tests.conftest import auth, unique
from tests.daos.common import problem
from tests.factories import add_member, make_dao
from tests.timebank.util import balance, fund
from services.jobs import run_job

MOD = ("moderator",)


def moderate(client, target, action, reason="abuse"):
    response = client.post("/api/v1/moderation/actions", headers=auth(unique("user:mod"), MOD),
                           json={"target_type": "user", "target_id": target, "action": action, "reason": reason})
    assert response.status_code == 201, response.get_json()


def writes(dao_slug: str) -> list[tuple[str, str, dict]]:
    return [
        ("post", "/api/v1/daos", {"slug": unique("dao"), "name": "n", "dao_type": "community"}),
        ("patch", f"/api/v1/daos/{dao_slug}", {"name": "renamed"}),
        ("put", f"/api/v1/daos/{dao_slug}/delegations/me", {"delegate_id": "user:someone"}),
        ("delete", f"/api/v1/daos/{dao_slug}/delegations/me", {}),
        ("post", "/api/v1/timebank/transfers", {"to_subject_id": "user:friend", "amount": "1"}),
        ("post", f"/api/v1/daos/{dao_slug}/treasury/time-deposits", {"amount": "1"}),
        ("post", "/api/v1/disputes", {"respondent_id": "user:r", "subject_type": "other", "subject_id": "x",
                                      "description": "d"}),
        ("post", "/api/v1/moderation/actions", {"target_type": "user", "target_id": "user:y", "action": "warn",
                                                "reason": "r"}),
    ]


def test_a_banned_subject_can_read_but_not_change_anything_until_restored(client):
    dao = make_dao()
    subject = dao.owner_subject_id  # even the owner of a DAO
    moderate(client, subject, "ban")
    for method, path, body in writes(dao.slug):
        response = getattr(client, method)(path, json=body, headers=auth(subject, MOD))
        problem(response, 403, "banned")
    assert client.get("/api/v1/timebank/balance", headers=auth(subject)).status_code == 200
    assert client.get("/api/v1/disputes", headers=auth(subject)).status_code == 200

    moderate(client, subject, "restore")
    response = client.patch(f"/api/v1/daos/{dao.slug}", json={"name": "renamed"}, headers=auth(subject))
    assert response.status_code == 200, response.get_json()


def test_only_ban_and_restore_change_the_ban(client):
    subject = unique("user:x")
    moderate(client, subject, "ban")
    moderate(client, subject, "warn")  # a later warning does not lift the ban
    problem(client.post("/api/v1/disputes", json={}, headers=auth(subject)), 403, "banned")
    moderate(client, subject, "restore")
    problem(client.post("/api/v1/disputes", json={}, headers=auth(subject)), 422, "validation_error")


def test_a_banned_member_holds_no_entitlement_in_any_dao(client):
    first, second = make_dao(), make_dao()
    member = unique("user:member")
    add_member(first, member, role="admin")
    add_member(second, member)

    def allowed(dao):
        response = client.get(f"/api/v1/daos/{dao.slug}/permissions",
                              query_string={"subject_id": member, "action": "vote"},
                              headers=auth(dao.owner_subject_id))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["allowed"], response.get_json()["entitlements"]

    assert allowed(first)[0] is True and allowed(second)[0] is True
    moderate(client, member, "ban")
    assert allowed(first) == (False, []) and allowed(second) == (False, [])
    moderate(client, member, "restore")
    assert allowed(first)[0] is True


@pytest.mark.usefixtures("worker")
def test_a_movement_queued_before_the_ban_fails_banned(client):
    subject = unique("user:x")
    fund(client, subject, "2")
    with transaction() as session:
        job = Job(kind="transfer_time_credits", actor=subject, request={"to_subject_id": "user:y", "amount": "1"})
        session.add(job)
    moderate(client, subject, "ban")
    run_job(str(job.id), transfer_time_credits.body)
    with transaction() as session:
        finished = session.get(Job, job.id)
    assert (finished.status, finished.error["code"]) == ("failed", "banned")
    assert balance(client, subject)["balance"] == "2.00000000"


@pytest.mark.usefixtures("worker")
def test_a_vote_not_yet_processed_fails_not_eligible_once_its_voter_is_banned(client):
    import uuid

    from tasks.voting import cast_vote
    from tests.proposals.helpers import act, create, dao_with_members, detail, url

    dao, owner, m = dao_with_members({"a": "1", "b": "1"})
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    with transaction() as session:  # accepted by the API before the ban, not yet processed
        job = Job(id=uuid.uuid4(), kind="cast_vote", actor=m["a"], target_id=proposal["id"], request={"choice": "yes"})
        session.add(job)
    moderate(client, m["a"], "ban")
    run_job(str(job.id), cast_vote.body)
    with transaction() as session:
        finished = session.get(Job, job.id)
    assert (finished.status, finished.error["code"]) == ("failed", "not_eligible")
    # New votes are refused at once; restored, the member votes again.
    problem(client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"}, headers=auth(m["a"])),
            403, "banned")
    moderate(client, m["a"], "restore")
    response = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "no"},
                           headers=auth(m["a"], Prefer="wait=15"))
    assert response.get_json()["status"] == "succeeded", response.get_json()
    assert detail(client, dao, proposal["slug"], owner)["tally"]["no"] == "1.00000000"
