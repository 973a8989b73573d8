"""Dispute routes (SPEC 7, 8.3, 8.4): open, list, read, evidence, moderator, resolve, escalate
and the moderators' queue; each with success, 401, 403 and 422 (and 409 for the state machine)."""

import uuid

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.factories import add_member, make_dao

MODERATOR_ROLES = ("moderator",)


def open_dispute(client, claimant=None, respondent=None, **fields):
    claimant, respondent = claimant or unique("user:claimant"), respondent or unique("user:respondent")
    body = {"respondent_id": respondent, "subject_type": "exchange", "subject_id": unique("exchange"),
            "description": "the hours were never delivered", "evidence": ["chat log"], **fields}
    response = client.post("/api/v1/disputes", json=body, headers=auth(claimant))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(client, dispute, action, subject, roles=(), **body):
    return client.post(f"/api/v1/disputes/{dispute['id']}/{action}", json=body, headers=auth(subject, roles))


def moderator():
    return unique("user:mod")


# --- open, read, list ---------------------------------------------------------------------------

def test_opening_a_dispute(client):
    claimant, respondent = unique("user:claimant"), unique("user:respondent")
    response = client.post("/api/v1/disputes", json={
        "respondent_id": respondent, "subject_type": "listing", "subject_id": "listing-42",
        "description": "not as described", "evidence": ["photo.jpg", {"url": "https://x.test/1", "kind": "link"}],
    }, headers=auth(claimant))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/disputes/{body['id']}"
    assert {k: body[k] for k in ("claimant_id", "respondent_id", "subject_type", "subject_id", "status",
                                 "resolution", "moderator_id", "resolved_by")} == {
        "claimant_id": claimant, "respondent_id": respondent, "subject_type": "listing", "subject_id": "listing-42",
        "status": "open", "resolution": None, "moderator_id": None, "resolved_by": None,
    }
    assert [e["content"] for e in body["evidence"]] == ["photo.jpg", {"url": "https://x.test/1", "kind": "link"}]
    assert {e["submitted_by"] for e in body["evidence"]} == {claimant}
    assert body["created_at"].endswith("Z") and body["updated_at"].endswith("Z")


@pytest.mark.parametrize("fields", [
    {"subject_type": "marriage"},
    {"description": ""},
    {"respondent_id": ""},
    {"evidence": "not a list"},
    {"evidence": [""]},
    {"evidence": ["x" * 4001]},
    {"evidence": [1]},
    {"evidence": ["e"] * 51},
    {"unknown": 1},
])
def test_opening_with_bad_input_is_422(client, fields):
    body = {"respondent_id": "user:r", "subject_type": "exchange", "subject_id": "x", "description": "d", **fields}
    problem(client.post("/api/v1/disputes", json=body, headers=auth(unique("user:c"))), 422, "validation_error")


def test_a_dispute_against_oneself_or_an_unknown_dao_is_422(client):
    me = unique("user:me")
    body = {"respondent_id": me, "subject_type": "other", "subject_id": "x", "description": "d"}
    assert "respondent_id" in problem(client.post("/api/v1/disputes", json=body, headers=auth(me)), 422)["errors"]
    body = {"respondent_id": "user:r", "subject_type": "dao_action", "subject_id": unique("no-dao"), "description": "d"}
    assert "subject_id" in problem(client.post("/api/v1/disputes", json=body, headers=auth(me)), 422)["errors"]


def test_read_by_parties_and_moderators_only(client):
    dispute = open_dispute(client)
    for subject, roles in ((dispute["claimant_id"], ()), (dispute["respondent_id"], ()), (moderator(), MODERATOR_ROLES)):
        response = client.get(f"/api/v1/disputes/{dispute['id']}", headers=auth(subject, roles))
        assert response.status_code == 200 and response.get_json()["id"] == dispute["id"]
    problem(client.get(f"/api/v1/disputes/{dispute['id']}", headers=auth(unique("user:nosy"))), 403, "forbidden")
    problem(client.get(f"/api/v1/disputes/{uuid.uuid4()}", headers=auth(dispute["claimant_id"])), 404, "not_found")
    problem(client.get("/api/v1/disputes/not-a-uuid", headers=auth(dispute["claimant_id"])), 404, "not_found")


def test_the_list_holds_the_disputes_where_the_caller_is_a_party(client):
    me = unique("user:me")
    mine = open_dispute(client, claimant=me)
    against_me = open_dispute(client, respondent=me)
    open_dispute(client)  # someone else's
    act(client, against_me, "moderator", moderator(), MODERATOR_ROLES)
    listed = client.get("/api/v1/disputes", headers=auth(me)).get_json()
    assert [d["id"] for d in listed["items"]] == [against_me["id"], mine["id"]]
    reviewed = client.get("/api/v1/disputes?status=under_review", headers=auth(me)).get_json()
    assert [d["id"] for d in reviewed["items"]] == [against_me["id"]]
    first = client.get("/api/v1/disputes?limit=1", headers=auth(me)).get_json()
    second = client.get(f"/api/v1/disputes?limit=1&cursor={first['next_cursor']}", headers=auth(me)).get_json()
    assert [d["id"] for d in first["items"] + second["items"]] == [against_me["id"], mine["id"]]
    problem(client.get("/api/v1/disputes?status=closed", headers=auth(me)), 422, "validation_error")


# --- workflow -----------------------------------------------------------------------------------

def test_the_whole_workflow_over_http(client):
    dispute = open_dispute(client)
    mod = moderator()
    evidence = act(client, dispute, "evidence", dispute["respondent_id"], evidence=["receipt"])
    assert evidence.status_code == 200
    assert [(e["submitted_by"], e["content"]) for e in evidence.get_json()["evidence"]] == [
        (dispute["claimant_id"], "chat log"), (dispute["respondent_id"], "receipt")]
    assigned = act(client, dispute, "moderator", mod, MODERATOR_ROLES)
    assert assigned.status_code == 200
    assert (assigned.get_json()["status"], assigned.get_json()["moderator_id"]) == ("under_review", mod)
    resolved = act(client, dispute, "resolve", mod, MODERATOR_ROLES, resolution="refund 2 hours", outcome="resolved")
    assert resolved.status_code == 200, resolved.get_json()
    body = resolved.get_json()
    assert (body["status"], body["resolution"], body["resolved_by"]) == ("resolved", "refund 2 hours", mod)
    # A closed dispute accepts nothing more.
    problem(act(client, dispute, "evidence", dispute["claimant_id"], evidence=["late"]), 409, "invalid_state")
    problem(act(client, dispute, "escalate", dispute["claimant_id"]), 409, "invalid_state")
    problem(act(client, dispute, "moderator", mod, MODERATOR_ROLES), 409, "invalid_state")


def test_dismissal_and_escalation(client):
    mod = moderator()
    dismissed = open_dispute(client)
    act(client, dismissed, "moderator", mod, MODERATOR_ROLES)
    body = act(client, dismissed, "resolve", mod, MODERATOR_ROLES, resolution="no case", outcome="dismissed").get_json()
    assert body["status"] == "dismissed"
    escalated = open_dispute(client)
    problem(act(client, escalated, "escalate", escalated["claimant_id"]), 409, "invalid_state")  # still open
    act(client, escalated, "moderator", mod, MODERATOR_ROLES)
    response = act(client, escalated, "escalate", escalated["claimant_id"])
    assert response.status_code == 200 and response.get_json()["status"] == "escalated"


def test_resolve_while_open_is_409(client):
    dispute = open_dispute(client)
    problem(act(client, dispute, "resolve", moderator(), MODERATOR_ROLES, resolution="r", outcome="resolved"),
            409, "invalid_state")


def test_workflow_permissions(client):
    dispute = open_dispute(client)
    stranger = unique("user:stranger")
    problem(act(client, dispute, "evidence", stranger, evidence=["x"]), 403, "forbidden")
    problem(act(client, dispute, "moderator", dispute["claimant_id"]), 403, "forbidden")  # not a moderator
    problem(act(client, dispute, "moderator", moderator(), MODERATOR_ROLES, moderator_id=dispute["respondent_id"]),
            403, "forbidden")  # a party never moderates its own dispute
    problem(act(client, dispute, "escalate", stranger), 403, "forbidden")
    mod = moderator()
    act(client, dispute, "moderator", mod, MODERATOR_ROLES)
    problem(act(client, dispute, "resolve", dispute["claimant_id"], resolution="I win", outcome="resolved"),
            403, "forbidden")
    # A moderator may assign another subject, who then sees the dispute.
    other = moderator()
    response = act(client, dispute, "moderator", mod, MODERATOR_ROLES, moderator_id=other)
    assert response.get_json()["moderator_id"] == other
    assert client.get(f"/api/v1/disputes/{dispute['id']}", headers=auth(other)).status_code == 200


@pytest.mark.parametrize("action, body", [
    ("evidence", {}),
    ("evidence", {"evidence": []}),
    ("moderator", {"moderator_id": ""}),
    ("moderator", {"moderator": "x"}),
    ("resolve", {"resolution": "r", "outcome": "escalated"}),
    ("resolve", {"outcome": "resolved"}),
    ("escalate", {"reason": "x"}),
])
def test_workflow_bad_input_is_422(client, action, body):
    dispute = open_dispute(client)
    problem(act(client, dispute, action, moderator(), MODERATOR_ROLES, **body), 422, "validation_error")


# --- DAO moderators and the queue ---------------------------------------------------------------

def test_dao_moderators_handle_the_disputes_about_their_dao(client):
    dao, other_dao = make_dao(), make_dao()
    dao_mod = unique("user:dao-mod")
    add_member(dao, dao_mod, role="admin")  # admin holds can_moderate
    plain = unique("user:plain")
    add_member(dao, plain)
    about_dao = open_dispute(client, subject_type="dao_action", subject_id=f"{dao.slug}/proposal-7")
    about_other = open_dispute(client, subject_type="dao_action", subject_id=other_dao.slug)
    unrelated = open_dispute(client)
    assert act(client, about_dao, "moderator", dao_mod).status_code == 200
    problem(act(client, about_dao, "moderator", plain), 403, "forbidden")
    problem(act(client, about_other, "moderator", dao_mod), 403, "forbidden")
    problem(act(client, unrelated, "moderator", dao_mod), 403, "forbidden")
    queue = client.get("/api/v1/disputes/moderator/queue?limit=500", headers=auth(dao_mod)).get_json()
    assert [d["id"] for d in queue["items"]] == [about_dao["id"]]
    problem(client.get("/api/v1/disputes/moderator/queue", headers=auth(plain)), 403, "forbidden")


def test_the_moderator_queue(client):
    mod = moderator()
    waiting, assigned, done = open_dispute(client), open_dispute(client), open_dispute(client)
    act(client, assigned, "moderator", mod, MODERATOR_ROLES)
    act(client, done, "moderator", mod, MODERATOR_ROLES)
    act(client, done, "resolve", mod, MODERATOR_ROLES, resolution="ok", outcome="resolved")

    def queue(query=""):
        response = client.get(f"/api/v1/disputes/moderator/queue?limit=500{query}", headers=auth(mod, MODERATOR_ROLES))
        assert response.status_code == 200
        return [d["id"] for d in response.get_json()["items"]]

    everything = queue()
    assert waiting["id"] in everything and assigned["id"] in everything and done["id"] not in everything
    assert queue("&assigned=me") == [assigned["id"]]
    assert waiting["id"] in queue("&status=open") and assigned["id"] not in queue("&status=open")
    problem(client.get("/api/v1/disputes/moderator/queue?status=resolved", headers=auth(mod, MODERATOR_ROLES)), 422)
    problem(client.get("/api/v1/disputes/moderator/queue?assigned=you", headers=auth(mod, MODERATOR_ROLES)), 422)
    problem(client.get("/api/v1/disputes/moderator/queue", headers=auth(unique("user:x"))), 403, "forbidden")


def test_each_change_emits_its_event(client):
    from sqlalchemy import select

    from models import Event
    from infra.db import transaction

    dao = make_dao()
    dispute = open_dispute(client, subject_type="dao_action", subject_id=dao.slug)
    mod = moderator()
    act(client, dispute, "moderator", mod, MODERATOR_ROLES)
    act(client, dispute, "escalate", mod, MODERATOR_ROLES)
    with transaction() as session:
        events = session.scalars(select(Event).where(
            Event.payload["data"]["dispute_id"].astext == dispute["id"]).order_by(Event.seq)).all()
    assert [(e.type, e.subject, e.actor, e.dao_slug) for e in events] == [
        ("dispute.opened", "dispute.opened", dispute["claimant_id"], dao.slug),
        ("dispute.moderator_assigned", "dispute.moderator_assigned", mod, dao.slug),
        ("dispute.escalated", "dispute.escalated", mod, dao.slug),
    ]
    assert events[1].payload["data"]["moderator_id"] == mod


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/disputes"),
    ("get", "/api/v1/disputes"),
    ("get", f"/api/v1/disputes/{uuid.uuid4()}"),
    ("post", f"/api/v1/disputes/{uuid.uuid4()}/evidence"),
    ("post", f"/api/v1/disputes/{uuid.uuid4()}/moderator"),
    ("post", f"/api/v1/disputes/{uuid.uuid4()}/resolve"),
    ("post", f"/api/v1/disputes/{uuid.uuid4()}/escalate"),
    ("get", "/api/v1/disputes/moderator/queue"),
])
@pytest.mark.parametrize("credentials", list(BAD_CREDENTIALS))
def test_every_route_needs_a_valid_token(client, method, path, credentials):
    problem(getattr(client, method)(path, json={}, headers=BAD_CREDENTIALS[credentials]), 401, "unauthorized")
