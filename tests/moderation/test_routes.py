"""Moderation routes (SPEC 7, 8.3): append-only actions recorded and listed by moderators."""

import uuid

import pytest
from sqlalchemy import select

from models import Event
from infra.db import transaction
from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.factories import add_member, make_dao

MODERATOR_ROLES = ("moderator",)
URL = "/api/v1/moderation/actions"


def record(client, subject, roles=MODERATOR_ROLES, **fields):
    body = {"target_type": "user", "target_id": unique("user:target"), "action": "warn", "reason": "spam", **fields}
    return client.post(URL, json=body, headers=auth(subject, roles))


def listing(client, subject, roles=MODERATOR_ROLES, **query):
    return client.get(URL, query_string=query, headers=auth(subject, roles))


def test_a_moderator_records_an_action_and_its_event(client):
    mod, target = unique("user:mod"), unique("user:target")
    response = record(client, mod, target_id=target, action="hide", reason="off-topic", notes="third time")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("moderator_id", "target_type", "target_id", "action", "reason", "notes")} == {
        "moderator_id": mod, "target_type": "user", "target_id": target, "action": "hide", "reason": "off-topic",
        "notes": "third time",
    }
    with transaction() as session:
        event = session.scalar(select(Event).where(Event.type == "moderation.action_taken",
                                                   Event.payload["data"]["action_id"].astext == body["id"]))
    assert (event.subject, event.actor) == ("moderation.action_taken", mod)
    assert event.payload["data"]["target_id"] == target and event.payload["data"]["action"] == "hide"


def test_actions_are_listed_by_target_newest_first(client):
    mod, target = unique("user:mod"), unique("user:target")
    ids = [record(client, mod, target_id=target, action=a).get_json()["id"] for a in ("warn", "hide", "remove")]
    record(client, mod)  # another target
    response = listing(client, mod, target_type="user", target_id=target)
    assert response.status_code == 200
    assert [a["id"] for a in response.get_json()["items"]] == ids[::-1]
    page = listing(client, mod, target_type="user", target_id=target, limit=2).get_json()
    rest = listing(client, mod, target_type="user", target_id=target, cursor=page["next_cursor"]).get_json()
    assert [a["id"] for a in page["items"] + rest["items"]] == ids[::-1]


def test_only_moderators_record_or_list(client):
    plain = unique("user:plain")
    problem(record(client, plain, roles=()), 403, "forbidden")
    problem(listing(client, plain, roles=(), target_type="user", target_id="user:x"), 403, "forbidden")
    assert record(client, unique("user:admin"), roles=("platform_admin",)).status_code == 201


def test_dao_moderators_act_on_their_dao_and_its_proposals_only(client):
    dao = make_dao()
    owner = dao.owner_subject_id  # the owner role holds can_moderate
    member = unique("user:member")
    add_member(dao, member)
    assert record(client, owner, roles=(), target_type="dao", target_id=dao.slug, action="warn").status_code == 201
    assert listing(client, owner, roles=(), target_type="dao", target_id=dao.slug).status_code == 200
    problem(record(client, member, roles=(), target_type="dao", target_id=dao.slug), 403, "forbidden")
    problem(record(client, owner, roles=(), target_type="dao", target_id=make_dao().slug), 403, "forbidden")
    # Users are platform-wide targets: a DAO moderator cannot ban anyone.
    problem(record(client, owner, roles=(), target_type="user", target_id=member, action="ban"), 403, "forbidden")
    problem(record(client, owner, roles=(), target_type="proposal", target_id=str(uuid.uuid4())), 403, "forbidden")
    problem(listing(client, owner, roles=()), 403, "forbidden")  # everything: platform moderators only


def test_a_dao_moderator_hides_a_proposal_of_its_dao(client):
    from tests.proposals.helpers import create

    dao = make_dao()
    proposal = create(client, dao, dao.owner_subject_id)
    response = record(client, dao.owner_subject_id, roles=(), target_type="proposal", target_id=proposal["id"],
                      action="hide")
    assert response.status_code == 201, response.get_json()
    with transaction() as session:
        event = session.scalar(select(Event).where(Event.payload["data"]["action_id"].astext == response.get_json()["id"]))
    assert (event.dao_id, event.subject) == (dao.id, "moderation.action_taken")
    problem(record(client, unique("user:outsider"), roles=(), target_type="proposal", target_id=proposal["id"]),
            403, "forbidden")


@pytest.mark.parametrize("fields", [
    {"target_type": "planet"},
    {"action": "shadowban"},
    {"reason": ""},
    {"target_id": ""},
    {"notes": "x" * 5001},
    {"extra": True},
])
def test_bad_actions_are_422(client, fields):
    problem(record(client, unique("user:mod"), **fields), 422, "validation_error")


def test_bad_list_queries_are_422(client):
    problem(listing(client, unique("user:mod"), target_type="planet"), 422, "validation_error")
    problem(listing(client, unique("user:mod"), limit=501), 422, "validation_error")


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("credentials", list(BAD_CREDENTIALS))
def test_the_routes_need_a_valid_token(client, method, credentials):
    problem(getattr(client, method)(URL, json={}, headers=BAD_CREDENTIALS[credentials]), 401, "unauthorized")
