"""Answers that confused (issue 11, item 11) and bodies read loosely (item 12): a refused vote says
when voting opens or closed; a refused dispute action says in words what it needs; a number too
long for any field is a clear 422; a URL too long is a 414 problem document, from the app and
from gunicorn alike; a body that is not JSON is a 415, never parsed as JSON."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

from infra.db import db_now, transaction
from models import Proposal
from tests.conftest import auth, unique
from tests.daos.common import problem
from tests.factories import make_dao
from tests.ops.conftest import live_api  # noqa: F401 - the fixture: a gunicorn API
from tests.proposals.helpers import act, create, dao_with_members, detail, in_seconds, url

MOD = ("moderator",)


# --- votes: when voting opens or closed ----------------------------------------------------------

def test_a_vote_after_end_at_says_when_voting_closed(client, worker):
    dao, owner, members = dao_with_members({"a": "1"})
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    with transaction() as session:  # the end passed; no sweep finalized it yet
        session.execute(update(Proposal).where(Proposal.id == uuid.UUID(proposal["id"]))
                        .values(end_at=db_now(session) - timedelta(seconds=1)))
    shown = detail(client, dao, proposal["slug"], owner)
    assert shown["status"] == "active"
    response = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"}, headers=auth(members["a"]))
    assert problem(response, 409, "voting_closed")["detail"] == f"voting closed at {shown['end_at']}"


def test_a_vote_before_start_at_says_when_voting_opens(client, worker):
    dao, owner, members = dao_with_members({"a": "1"})
    proposal = create(client, dao, owner, start_at=in_seconds(3600), end_at=in_seconds(7200))
    act(client, dao, proposal["slug"], "activate", owner)
    shown = detail(client, dao, proposal["slug"], owner)
    response = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"}, headers=auth(members["a"]))
    assert problem(response, 409, "voting_closed")["detail"] == f"voting opens at {shown['start_at']}"


def test_a_vote_on_a_draft_says_it_has_not_opened(client):
    dao, owner, members = dao_with_members({"a": "1"})
    proposal = create(client, dao, owner)
    response = client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"}, headers=auth(owner))
    assert problem(response, 409, "voting_closed")["detail"] == (
        "voting has not opened: the proposal is a draft, not yet activated")


# --- disputes: what an action needs, in words -----------------------------------------------------

def _dispute(client):
    claimant, respondent = unique("user:claimant"), unique("user:respondent")
    body = {"respondent_id": respondent, "subject_type": "exchange", "subject_id": "x", "description": "d"}
    dispute = client.post("/api/v1/disputes", json=body, headers=auth(claimant)).get_json()
    return dispute, claimant


def _act(client, dispute, action, subject, roles=(), **body):
    return client.post(f"/api/v1/disputes/{dispute['id']}/{action}", json=body, headers=auth(subject, roles))


def test_refused_dispute_actions_say_what_they_need(client):
    dispute, claimant = _dispute(client)
    moderator = unique("user:mod")
    detail_of = lambda response: problem(response, 409, "invalid_state")["detail"]  # noqa: E731
    assert detail_of(_act(client, dispute, "resolve", moderator, MOD, resolution="r", outcome="resolved")) == (
        "a dispute can be resolved or dismissed only while it is under review or escalated; this one is open")
    assert _act(client, dispute, "moderator", moderator, MOD).status_code == 200
    assert _act(client, dispute, "resolve", moderator, MOD, resolution="r", outcome="resolved").status_code == 200
    assert detail_of(_act(client, dispute, "evidence", claimant, evidence=["late"])) == (
        "evidence can be added to a dispute only while it is open or under review; this one is resolved")
    assert detail_of(_act(client, dispute, "moderator", moderator, MOD)) == (
        "a moderator can be assigned to a dispute only while it is open or under review or escalated; this one is "
        "resolved")
    assert detail_of(_act(client, dispute, "escalate", claimant)).startswith("a dispute can be escalated only while it is")


# --- numbers too long for any field ---------------------------------------------------------------

@pytest.mark.parametrize("raw_body", [
    '{"slug": "s-long", "name": "n", "voting_period_seconds": ' + "9" * 5000 + "}",
    '{"slug": "s-long", "name": "n", "quorum_percent": ' + "1" * 5000 + "}",
    '{"slug": "s-long", "name": "n", "quorum_percent": -' + "1" * 4301 + "}",
    '{"title": "t", "action_payload": {"nested": [' + "7" * 5000 + "]}}",
])
def test_a_number_of_thousands_of_digits_is_a_clear_422(client, raw_body):
    dao = make_dao()
    path = f"/api/v1/daos/{dao.slug}/proposals" if '"title"' in raw_body else "/api/v1/daos"
    response = client.post(path, data=raw_body, headers=auth(dao.owner_subject_id, **{"Content-Type": "application/json"}))
    body = problem(response, 422, "validation_error")
    assert "set_int_max_str_digits" not in response.get_data(as_text=True)
    assert "more than 40 digits" in str(body["errors"])


@pytest.mark.parametrize("query, status", [("limit=" + "9" * 4000, 422), ("limit=-" + "1" * 4000, 422),
                                           ("limit=" + "9" * 5000, 414)])
def test_a_query_number_of_thousands_of_digits_is_a_clear_4xx(client, query, status):
    response = client.get(f"/api/v1/daos?{query}", headers=auth("user:q"))
    body = problem(response, status)
    assert "set_int_max_str_digits" not in response.get_data(as_text=True)
    if status == 422:
        assert list(body["errors"]) == ["limit"]


# --- URLs too long: a problem document ---------------------------------------------------------------

@pytest.mark.parametrize("length", [4097, 6000])
def test_a_url_too_long_is_a_414_problem_in_the_app(client, length):
    path = "/api/v1/daos/" + "a" * (length - len("/api/v1/daos/"))
    for headers in ({}, auth("user:long")):  # before authentication: no token needed to be told
        assert problem(client.get(path, headers=headers), 414, "uri_too_long")
    query = "/api/v1/daos?microdao_id=" + "m" * length
    assert problem(client.get(query, headers=auth("user:long")), 414, "uri_too_long")


@pytest.mark.parametrize("length", [5000, 8100, 9000, 20000])
def test_a_url_too_long_is_a_414_problem_from_gunicorn_too(live_api, length):  # noqa: F811 - fixture
    response = requests.get(f"{live_api.url}/api/v1/daos/" + "a" * length, headers=auth("user:long"), timeout=30)
    assert response.status_code == 414, response.text[:200]
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 414 and response.json()["code"] == "uri_too_long"


def test_gunicorn_refusing_huge_headers_answers_a_problem_too(live_api):  # noqa: F811 - fixture
    response = requests.get(f"{live_api.url}/healthz", headers={"X-Big": "b" * 9000}, timeout=30)
    assert response.status_code in (400, 431), response.text[:200]
    assert response.headers["Content-Type"] == "application/problem+json"


# --- bodies that are not JSON: 415 ----------------------------------------------------------------

@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
    "text/json", None,
])
def test_a_body_that_is_not_json_is_415(client, content_type):
    dao = make_dao()
    owner = dao.owner_subject_id
    headers = auth(owner, **({"Content-Type": content_type} if content_type else {}))
    for path, body in ((f"/api/v1/daos/{dao.slug}/treasury/deltas", '{"token_symbol": "GOV", "delta": "1", "reason": "r"}'),
                       ("/api/v1/daos", '{"slug": "%s", "name": "n"}' % unique("ct")),
                       (f"/api/v1/daos/{dao.slug}/proposals", '{"title": "t"}')):
        response = client.post(path, data=body, headers=headers)
        assert problem(response, 415, "unsupported_media_type"), path


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "application/merge-patch+json"])
def test_json_media_types_are_read(client, content_type):
    dao = make_dao()
    response = client.patch(f"/api/v1/daos/{dao.slug}", data='{"name": "renamed"}',
                            headers=auth(dao.owner_subject_id, **{"Content-Type": content_type}))
    assert response.status_code == 200 and response.get_json()["name"] == "renamed"


def test_an_empty_body_needs_no_media_type(client, worker):
    dao, owner, _ = dao_with_members({})
    proposal = create(client, dao, owner)
    response = client.post(url(dao, proposal["slug"], "/activate"), data="", headers=auth(owner, **{"Content-Type": "text/plain"}))
    assert response.status_code in (200, 202), response.get_json()
