"""Every answer through its schema (issue 10): each route's contract declares the schema of every
JSON status it can answer, @endpoint dumps the view's value through it and refuses anything
else, and the answers that generated requests seldom reach (a live and a stored tally, a failed
job, the permission answer, the DAO overview) validate against the OpenAPI document."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from flask import Flask, Response
from marshmallow import fields

from api.endpoint import NotJson, UndeclaredAnswer, endpoint
from api.openapi import is_static
from api.schemas.base import AnswerSchema
from api.schemas.fields import Amount, UtcDateTime
from api.schemas.jobs import JobSchema
from tests.conftest import auth, unique
from tests.factories import add_member, make_dao
from tests.proposals.helpers import WAIT, act, create, url, vote

NOT_JSON = {"/metrics": "text/plain", "/api/v1/daos/<slug>/events/stream": "text/event-stream"}
DASHBOARD = "web."  # the dashboard's pages (api/dashboard) answer HTML


def answer_schemas(schema: type, seen=None):
    """`schema` and every schema nested in it."""
    seen = set() if seen is None else seen
    if schema in seen:
        return seen
    seen.add(schema)
    for field in schema._declared_fields.values():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            answer_schemas(inner.nested, seen)
    return seen


def test_every_route_declares_a_schema_for_each_json_answer(app):
    for rule in app.url_map.iter_rules():
        if is_static(rule):
            continue
        contract = getattr(app.view_functions[rule.endpoint], "contract", None)
        assert contract is not None and contract.responses, f"{rule.rule}: no contract with its answers"
        for status, declared in contract.responses.items():
            where = f"{rule.rule} {status}"
            if status == 204:
                assert declared is None, where
            elif isinstance(declared, NotJson):
                expected = "text/html" if rule.endpoint.startswith(DASHBOARD) else NOT_JSON.get(rule.rule)
                assert expected == declared.media_type, where
            else:
                assert isinstance(declared, type), f"{where}: no schema"
                for schema in answer_schemas(declared):  # every field documented as present
                    assert issubclass(schema, AnswerSchema), f"{where}: {schema.__name__} is not an AnswerSchema"
        if contract.asynchronous:
            assert contract.responses[202] is JobSchema and contract.responses[200] is JobSchema, rule.rule


# --- @endpoint's dumping, on a throwaway app ------------------------------------------------------

class Thing(AnswerSchema):
    name = fields.String()
    amount = Amount()
    when = UtcDateTime(allow_none=True)


def answered(returned, responses):
    @endpoint(responses=responses, auth=False)
    def view():
        return returned

    with Flask(__name__).test_request_context():
        return view()


def test_the_value_is_dumped_through_the_schema_of_the_status_returned():
    # 22 integer digits, as numeric(30,8) holds: past the 28 digits of Python's default context
    row = SimpleNamespace(name="a", amount=Decimal("1234567890123456789012.5"), when=None, secret="kept out")
    assert answered(row, {200: Thing}) == (
        {"name": "a", "amount": "1234567890123456789012.50000000", "when": None}, 200, {},
    )
    assert answered(({"name": "b", "amount": 0, "when": None}, 201, {"Location": "/x"}), {201: Thing}) == (
        {"name": "b", "amount": "0.00000000", "when": None}, 201, {"Location": "/x"},
    )
    assert answered(("", 204), {204: None}) == ("", 204, {})


@pytest.mark.parametrize("returned, responses", [
    ({"name": "a"}, {201: Thing}),  # no status means 200, not declared
    (({"name": "a"}, 409), {200: Thing}),
    (({"name": "a"}, 204), {204: None}),  # a body where none is declared
    (Response("{}", mimetype="application/json"), {200: Thing}),  # shaped by hand
    (Response("x", mimetype="text/html"), {200: NotJson("text/plain")}),
    ({"name": "a"}, {200: NotJson("text/plain")}),
])
def test_an_answer_the_contract_does_not_declare_is_refused(returned, responses):
    with pytest.raises(UndeclaredAnswer):
        answered(returned, responses)


def test_a_declared_non_json_answer_passes_as_it_is():
    response = Response("up 1\n", mimetype="text/plain")
    assert answered(response, {200: NotJson("text/plain")}) is response


# --- real answers against the document ------------------------------------------------------------

@pytest.fixture(scope="module")
def document(app):
    from api.openapi import build_spec

    return schemathesis.openapi.from_dict(build_spec(app))


@pytest.fixture
def conforms(document):
    def check(response, path: str, method: str = "GET", status: int | None = None):
        operation = document[path][method]
        assert str(response.status_code) in operation.responses.status_codes, response.status_code
        if status is not None:
            assert response.status_code == status, response.get_json()
        operation.validate_response(response)
        return response.get_json()

    return check


PROPOSAL = "/api/v1/daos/{slug}/proposals/{pslug}"
JOB_PATHS = {"/votes": f"{PROPOSAL}/votes", "/close": f"{PROPOSAL}/close"}


def test_a_proposal_and_its_tally_live_and_stored_match_the_document(client, worker, conforms):
    dao = make_dao(governance_model="weighted")
    owner, member = dao.owner_subject_id, unique("user:m")
    add_member(dao, member, voting_power=Decimal("2.5"))
    pslug = create(client, dao, owner)["slug"]
    draft = conforms(client.get(url(dao, pslug), headers=auth(owner)), PROPOSAL, status=200)
    assert draft["tally"] is None and draft["result"] is None
    conforms(client.get(url(dao, pslug, "/tally"), headers=auth(owner)), f"{PROPOSAL}/tally", status=409)

    act(client, dao, pslug, "activate", owner)
    voted = client.post(url(dao, pslug, "/votes"), json={"choice": "yes"}, headers=auth(member, **WAIT))
    assert conforms(voted, JOB_PATHS["/votes"], "POST")["status"] in ("queued", "running", "succeeded")
    vote(client, dao, pslug, owner, "abstain")
    live = conforms(client.get(url(dao, pslug, "/tally"), headers=auth(owner)), f"{PROPOSAL}/tally", status=200)
    assert (live["yes"], live["support"], live["voters"]) == ("2.50000000", "1.00000000", 2)
    compared = client.get(url(dao, pslug, "/tally?model=quadratic"), headers=auth(owner))
    assert conforms(compared, f"{PROPOSAL}/tally", status=200)["model"] == "quadratic"
    assert conforms(client.get(url(dao, pslug), headers=auth(owner)), PROPOSAL, status=200)["tally"] == live

    closed = client.post(url(dao, pslug, "/close"), headers=auth(owner, **WAIT))
    assert conforms(closed, JOB_PATHS["/close"], "POST", status=200)["status"] == "succeeded"
    stored = conforms(client.get(url(dao, pslug, "/tally"), headers=auth(owner)), f"{PROPOSAL}/tally", status=200)
    final = conforms(client.get(url(dao, pslug), headers=auth(owner)), PROPOSAL, status=200)
    assert final["result"] == final["tally"] == stored and stored["outcome"] == "passed"


def test_a_failed_job_and_the_dao_overview_match_the_document(client, worker, conforms):
    dao = make_dao()
    owner = dao.owner_subject_id
    deltas = f"/api/v1/daos/{dao.slug}/treasury/deltas"
    created = client.post(deltas, json={"token_symbol": "USDC", "delta": "12.5", "reason": "seed"},
                          headers=auth(owner, **WAIT))
    assert conforms(created, "/api/v1/daos/{slug}/treasury/deltas", "POST", status=201)["error"] is None
    refused = client.post(deltas, json={"token_symbol": "USDC", "delta": "-100", "reason": "too much"},
                          headers=auth(owner, **WAIT))
    job = conforms(refused, "/api/v1/daos/{slug}/treasury/deltas", "POST", status=200)
    assert (job["status"], job["result"], job["error"]["code"]) == ("failed", None, "insufficient_funds")
    assert conforms(client.get(refused.headers["Location"], headers=auth(owner)), "/api/v1/jobs/{job_id}") == job

    overview = conforms(client.get(f"/api/v1/daos/{dao.slug}", headers=auth(owner)), "/api/v1/daos/{slug}")
    assert (overview["members_count"], overview["treasury_items"][0]["balance"]) == (1, "12.50000000")


def test_the_permission_answer_members_and_an_empty_account_match_the_document(client, conforms):
    dao = make_dao()
    owner = dao.owner_subject_id
    path = f"/api/v1/daos/{dao.slug}/permissions"
    asked = conforms(client.get(f"{path}?action=vote", headers=auth(owner)), "/api/v1/daos/{slug}/permissions")
    assert asked["allowed"] is True and asked["action"] == "vote"
    unasked = conforms(client.get(path, headers=auth(owner)), "/api/v1/daos/{slug}/permissions")
    assert unasked["allowed"] is None and unasked["action"] is None and "can_vote" in unasked["entitlements"]
    members = conforms(client.get(f"/api/v1/daos/{dao.slug}/members", headers=auth(owner)),
                       "/api/v1/daos/{slug}/members")
    assert members["items"][0]["roles"] == ["owner"] and members["next_cursor"] is None
    account = conforms(client.get("/api/v1/timebank/balance", headers=auth(unique("user:new"))),
                       "/api/v1/timebank/balance")
    assert account["balance"] == "0.00000000"


def test_the_answers_of_every_voting_type_and_of_a_secret_ballot_match_the_document(client, worker, conforms):
    dao = make_dao(governance_model="weighted", type_rules={"treasury": {"voting_type": "ranked_choice"}})
    owner, member = dao.owner_subject_id, unique("user:m")
    add_member(dao, member, voting_power=Decimal("2.5"))
    assert conforms(client.get(f"/api/v1/daos/{dao.slug}", headers=auth(owner)),
                    "/api/v1/daos/{slug}")["dao"]["type_rules"] == {"treasury": {"voting_type": "ranked_choice"}}
    ranked = create(client, dao, owner, proposal_type="treasury", options=["a", "b", "c"])["slug"]
    secret = create(client, dao, owner, voting_type="approval", options=["a", "b"],
                    ballot_secrecy="secret_until_close")["slug"]
    for pslug in (ranked, secret):
        act(client, dao, pslug, "activate", owner)
    vote_on = lambda pslug, subject, ballot: client.post(  # noqa: E731
        url(dao, pslug, "/votes"), json=ballot, headers=auth(subject, **WAIT))
    assert conforms(vote_on(ranked, member, {"ranking": ["b", "a"]}), JOB_PATHS["/votes"], "POST", status=200)
    vote_on(ranked, owner, {"ranking": ["c"]})
    vote_on(secret, member, {"choices": ["b"]})

    live = conforms(client.get(url(dao, ranked, "/tally"), headers=auth(owner)), f"{PROPOSAL}/tally", status=200)
    assert (live["winner"], len(live["rounds"]), "yes" in live) == ("b", 1, False)
    compared = client.get(url(dao, ranked, "/tally?model=simple"), headers=auth(owner))
    assert len(conforms(compared, f"{PROPOSAL}/tally", status=200)["rounds"]) == 3  # a, then c (the later) go
    hidden = conforms(client.get(url(dao, secret, "/tally"), headers=auth(owner)), f"{PROPOSAL}/tally", status=200)
    assert set(hidden) == {"voters", "participation", "quorum_reached"}
    assert set(conforms(client.get(url(dao, secret), headers=auth(owner)), PROPOSAL, status=200)["tally"]) == set(hidden)
    votes = conforms(client.get(url(dao, secret, "/votes"), headers=auth(owner)), f"{PROPOSAL}/votes", status=200)
    assert set(votes["items"][0]) == {"proposal_id", "voter_id", "submitted_at"}
    conforms(client.get(url(dao, secret, "/votes?choice=abstain"), headers=auth(owner)), f"{PROPOSAL}/votes",
             status=409)
    for pslug in (ranked, secret):
        act(client, dao, pslug, "close", owner)
        stored = conforms(client.get(url(dao, pslug), headers=auth(owner)), PROPOSAL, status=200)
        assert stored["result"]["early"] is False and stored["result"]["winner"] == "b"
    shown = conforms(client.get(url(dao, secret, "/votes"), headers=auth(owner)), f"{PROPOSAL}/votes", status=200)
    assert shown["items"][0]["ballot"] == {"choices": ["b"]}
    delegations = f"/api/v1/daos/{dao.slug}/delegations"
    put = client.put(f"{delegations}/me", json={"delegate_id": owner, "proposal_type": "treasury"}, headers=auth(member))
    assert conforms(put, f"{delegations.replace(dao.slug, '{slug}')}/me", "PUT", status=200)["proposal_type"] == "treasury"
