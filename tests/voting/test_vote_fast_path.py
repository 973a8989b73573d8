"""The vote POST's fast path (api/vote_fast_path.py, issue 14): a plain accepted vote is answered
in front of Flask's per-request machinery, with the very answer the Flask route gives; anything
else reaches the route, and a vote the fast path already ran is neither run nor counted twice."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from api import votes
from api.app import create_app
from infra.db import transaction
from models import Job
from services import vote_accept
from tests.conftest import auth, settings_from, unique
from tests.daos.common import problem
from tests.proposals.helpers import act, create, dao_with_members, url

ORIGIN = "https://app.example.org"


@pytest.fixture
def voting(app, worker, monkeypatch):
    """An active proposal whose rules this process cached (a first vote took the route), and the
    votes the Flask route handled from then on."""
    client = app.test_client()
    dao, owner, members = dao_with_members({name: "1" for name in "abcd"})
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    assert client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "yes"},
                       headers=auth(members["a"])).status_code == 202
    assert vote_accept.frozen_rules(dao.slug, proposal["slug"]) is not None
    routed = []
    route = app.view_functions["votes.post_vote"]

    def spy(*args, **kwargs):
        routed.append(kwargs)
        return route(*args, **kwargs)

    monkeypatch.setitem(app.view_functions, "votes.post_vote", spy)
    return client, dao, owner, members, proposal, routed


def post(client, dao, proposal, subject, body=None, **headers):
    return client.post(url(dao, proposal["slug"], "/votes"), json=body or {"choice": "no"},
                       headers=auth(subject, **headers))


def shape(response) -> tuple:
    """What the two paths must answer alike: status, media type, the body's keys and the types
    of its values, where Location points, and the CORS headers."""
    body = response.get_json()
    cors = {name: value for name, value in response.headers.items()
            if name.lower().startswith("access-control-") or name == "Vary"}
    return (response.status_code, response.mimetype, sorted(body), {k: type(v).__name__ for k, v in body.items()},
            response.headers["Location"] == f"/api/v1/jobs/{body['id']}", cors)


def test_a_plain_vote_is_answered_before_the_route_as_the_route_answers_it(voting):
    client, dao, _, members, proposal, routed = voting
    with settings_from(CORS_ORIGINS=ORIGIN):
        fast = post(client, dao, proposal, members["b"], Origin=ORIGIN, **{"X-Request-ID": "req-fast-1"})
        assert routed == []
        routed_answer = post(client, dao, proposal, members["c"], Origin=ORIGIN,
                             **{"Idempotency-Key": unique("k"), "X-Request-ID": "req-route-1"})
        assert len(routed) == 1  # an Idempotency-Key takes the route
    assert shape(fast) == shape(routed_answer)
    assert fast.headers["Access-Control-Allow-Origin"] == ORIGIN
    plain = post(client, dao, proposal, members["d"])  # no CORS configured: the same headers, the same bytes
    again = post(client, dao, proposal, members["d"], **{"Idempotency-Key": unique("k")})
    assert len(routed) == 2 and shape(plain) == shape(again)
    assert {name for name, _ in plain.headers} == {name for name, _ in again.headers}
    assert plain.get_data().endswith(b"}\n") and again.get_data().endswith(b"}\n")
    written, routed_body = json.loads(plain.get_data()), json.loads(again.get_data())
    assert list(written) == list(routed_body)  # the same keys in the same order
    assert {**written, "id": None, "submitted_at": None} == {**routed_body, "id": None, "submitted_at": None}
    assert (fast.headers["X-Request-ID"], routed_answer.headers["X-Request-ID"]) == ("req-fast-1", "req-route-1")
    assert (fast.get_json()["status"], fast.get_json()["kind"]) == ("queued", "cast_vote")
    with transaction() as session:
        job = session.get(Job, uuid.UUID(fast.get_json()["id"]))
        assert (job.actor, job.target_id) == (members["b"], proposal["id"])
        assert job.request == {"choice": "no", "proposal_slug": proposal["slug"], "dao_slug": dao.slug}


@pytest.mark.parametrize("headers, path_tail", [
    ({"Prefer": "wait=1"}, ""), ({"Idempotency-Key": "k-fixed"}, ""), ({}, "?x=1"),
])
def test_what_the_fast_path_does_not_take_reaches_the_route(voting, headers, path_tail):
    client, dao, _, members, proposal, routed = voting
    headers = {name: unique(value) if name == "Idempotency-Key" else value for name, value in headers.items()}
    answer = client.post(url(dao, proposal["slug"], "/votes") + path_tail, json={"choice": "no"},
                         headers=auth(members["b"], **headers))
    assert answer.status_code in (200, 202) and len(routed) == 1


def test_what_the_route_refuses_is_refused_by_the_route(voting):
    client, dao, _, members, proposal, routed = voting
    problem(client.post(url(dao, proposal["slug"], "/votes"), json={"choice": "no"}), 401)
    problem(post(client, dao, proposal, members["b"], {"choice": "perhaps"}), 422)
    problem(client.post(url(dao, proposal["slug"], "/votes"), data="choice=no", headers=auth(members["b"],
                        **{"Content-Type": "application/x-www-form-urlencoded"})), 415)
    assert len(routed) == 2  # the 422 (a ballot that does not fit) and the 415 reach it; the 401 is a hook's


def test_a_vote_the_statement_refuses_takes_the_slow_path_once_and_is_counted_once(stack, worker):
    app = create_app({"TESTING": True, "RATE_LIMIT_PER_MINUTE": 2})
    client = app.test_client()
    dao, owner, members = dao_with_members({"a": "1"})
    proposal = create(client, dao, owner)
    act(client, dao, proposal["slug"], "activate", owner)
    assert post(client, dao, proposal, members["a"]).status_code == 202  # the route: the rules cached
    outsider = unique("user:outsider")
    answers = [post(client, dao, proposal, outsider) for _ in range(3)]
    problem(answers[0], 403, "forbidden")  # the DAO is private to its members
    problem(answers[1], 403, "forbidden")  # counted once each: 1, 2 of 2
    body = problem(answers[2], 429, "rate_limited")  # the third is beyond the limit: no statement, no route
    assert body["code"] == "rate_limited" and 1 <= int(answers[2].headers["Retry-After"]) <= 60
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job).where(Job.actor == outsider)) == 0


def test_an_error_of_the_batch_is_answered_by_flasks_error_handlers(voting, monkeypatch):
    import sqlalchemy.exc

    client, dao, _, members, proposal, routed = voting

    def database_down(vote):
        raise sqlalchemy.exc.OperationalError("INSERT ...", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(vote_accept, "accept", database_down)
    answer = post(client, dao, proposal, members["b"], **{"X-Request-ID": "req-down-1"})
    problem(answer, 503)
    assert answer.headers["X-Request-ID"] == "req-down-1" and routed == []


def test_the_fast_path_is_the_one_in_front_of_the_app(app):
    assert type(app.wsgi_app).__name__ == "VoteFastPath"
    assert re.fullmatch(r"/api/v1/daos/<slug>/proposals/<pslug>/votes",
                        next(rule.rule for rule in app.url_map.iter_rules() if rule.endpoint == "votes.post_vote"))
    assert votes.post_vote.counts_own_rate and votes.post_vote.checks_ban
