"""Secret ballots (SPEC 5.6) on the real stack: while a `secret_until_close` proposal is active no
route, no event and no stream shows a choice or a per-choice figure, to the owner, an admin, an
auditor or a voter (nor to a platform admin reading a vote's job); at finalization everything is
revealed and `ballots_revealed` is emitted. A canceled secret proposal stays secret.

The secrecy is by access, not by cryptography: the database holds every ballot (the last test
reads them there)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from infra.db import transaction
from models import Vote
from tests.conftest import auth, unique
from tests.daos.common import problem
from tests.factories import add_member, make_dao, make_role
from tests.ops.conftest import live_api, wait_published  # noqa: F401 - the session's gunicorn API
from tests.ops.test_metrics import scrape, value
from tests.ops.test_stream import open_stream
from tests.proposals.helpers import WAIT, act, cast, create, detail, url

OPTIONS = ["Oak", "Birch", "Lime"]
MODELS = ("simple", "weighted", "quadratic", "delegated")
HIDDEN_TALLY = {"voters", "participation", "quorum_reached"}
HIDDEN_VOTE = {"proposal_id", "voter_id", "submitted_at"}
HIDDEN_CAST = {"proposal_id", "proposal_slug", "voter"}


@pytest.fixture
def secret_dao(client, worker):
    """A DAO whose owner, admin, auditor (can_read + can_audit) and two voters watch one secret
    single_choice proposal: (dao, roles name -> subject, proposal)."""
    dao = make_dao()
    people = {"owner": dao.owner_subject_id, "admin": unique("user:admin"), "auditor": unique("user:auditor"),
              "voter": unique("user:voter"), "other": unique("user:other")}
    add_member(dao, people["admin"], role="admin")
    make_role(dao, "auditor", {"can_read": True, "can_audit": True})
    add_member(dao, people["auditor"], role="auditor")
    for name in ("voter", "other"):
        add_member(dao, people[name])
    proposal = create(client, dao, people["owner"], voting_type="single_choice", options=OPTIONS,
                      ballot_secrecy="secret_until_close")
    act(client, dao, proposal["slug"], "activate", people["owner"])
    wait_published(dao)
    return dao, people, proposal


def vote_cast_data(items) -> list[dict]:
    return [i["data"] for i in items if i["type"] == "vote_cast"]


def assert_hidden_everywhere(client, dao, proposal, people, jobs) -> None:
    """Every route, as every role: nothing but voters, participation, quorum_reached and who voted when."""
    pslug = proposal["slug"]
    for name, subject in people.items():
        shown = detail(client, dao, pslug, subject)
        assert set(shown["tally"]) == HIDDEN_TALLY and shown["result"] is None, name
        assert shown["tally"]["voters"] == 2, name
        [listed] = [p for p in client.get(url(dao), headers=auth(subject)).get_json()["items"] if p["slug"] == pslug]
        assert listed["result"] is None, name
        for query in ("", *(f"?model={model}" for model in MODELS)):
            tally = client.get(url(dao, pslug, f"/tally{query}"), headers=auth(subject))
            assert tally.status_code == 200 and set(tally.get_json()) == HIDDEN_TALLY, (name, query)
        votes = client.get(url(dao, pslug, "/votes"), headers=auth(subject)).get_json()["items"]
        assert len(votes) == 2 and all(set(v) == HIDDEN_VOTE for v in votes), name
        mine = client.get(url(dao, pslug, f"/votes?voter_id={people['voter']}"), headers=auth(subject)).get_json()
        assert [set(v) for v in mine["items"]] == [HIDDEN_VOTE], name
        for choice in ("abstain", "yes"):
            problem(client.get(url(dao, pslug, f"/votes?choice={choice}"), headers=auth(subject)), 409, "ballots_secret")
        activity = client.get(f"/api/v1/daos/{dao.slug}/activity?limit=100", headers=auth(subject)).get_json()["items"]
        assert [set(d) for d in vote_cast_data(activity)] == [HIDDEN_CAST, HIDDEN_CAST], name
        assert "ballots_revealed" not in {i["type"] for i in activity}
    for voter, job in jobs.items():  # the vote jobs: their submitter, and a platform admin
        for reader in (voter, unique("user:root")):
            roles = () if reader == voter else ("platform_admin",)
            read = client.get(f"/api/v1/jobs/{job['id']}", headers=auth(reader, roles)).get_json()
            assert set(read["result"]) == HIDDEN_CAST | {"superseded"}, reader


def test_nothing_shows_a_secret_ballot_to_anyone_until_the_close_then_everything_does(client, live_api, secret_dao):
    dao, people, proposal = secret_dao
    streams = {name: open_stream(live_api, dao.slug, people[name]) for name in ("owner", "admin", "auditor", "voter")}
    before = scrape(client)
    try:
        jobs = {people["voter"]: cast(client, dao, proposal["slug"], people["voter"], {"choice": "Birch"}),
                people["other"]: cast(client, dao, proposal["slug"], people["other"], {"choice": "abstain"})}
        assert {job["status"] for job in jobs.values()} == {"succeeded"}
        assert_hidden_everywhere(client, dao, proposal, people, jobs)
        assert value(scrape(client), "governance_votes", choice="abstain") == value(before, "governance_votes",
                                                                                    choice="abstain")
        for name, reader in streams.items():
            reader.wait(lambda r: sum(m["event"] == "vote_cast" for m in r.messages) == 2)
            casts = [json.loads(m["data"])["data"] for m in reader.messages if m["event"] == "vote_cast"]
            assert [set(d) for d in casts] == [HIDDEN_CAST, HIDDEN_CAST], name

        closed = client.post(url(dao, proposal["slug"], "/close"), headers=auth(people["owner"], **WAIT))
        assert closed.get_json()["status"] == "succeeded"

        for name, reader in streams.items():
            reader.wait(lambda r: any(m["event"] == "ballots_revealed" for m in r.messages))
            [revealed] = [json.loads(m["data"]) for m in reader.messages if m["event"] == "ballots_revealed"]
            assert revealed["data"] == {"proposal_id": proposal["id"], "proposal_slug": proposal["slug"], "voters": 2}
            events = [m["event"] for m in reader.messages]
            assert events.index("proposal_finalized") < events.index("ballots_revealed"), name
    finally:
        for reader in streams.values():
            reader.close()

    for name, subject in people.items():
        shown = detail(client, dao, proposal["slug"], subject)
        assert shown["result"] == shown["tally"] and shown["result"]["options"] == {
            "Oak": "0.00000000", "Birch": "1.00000000", "Lime": "0.00000000"}, name
        assert (shown["result"]["winner"], shown["status"]) == ("Birch", "passed")
        votes = client.get(url(dao, proposal["slug"], "/votes"), headers=auth(subject)).get_json()["items"]
        assert {v["voter_id"]: v["ballot"] for v in votes} == {
            people["voter"]: {"choice": "Birch"}, people["other"]: {"choice": "abstain"}}, name
        abstained = client.get(url(dao, proposal["slug"], "/votes?choice=abstain"), headers=auth(subject)).get_json()
        assert [v["voter_id"] for v in abstained["items"]] == [people["other"]]
        compared = client.get(url(dao, proposal["slug"], "/tally?model=weighted"), headers=auth(subject)).get_json()
        assert compared["options"]["Birch"] == "1.00000000"
    assert value(scrape(client), "governance_votes", choice="abstain") == value(before, "governance_votes",
                                                                                choice="abstain") + 1


def test_a_canceled_secret_proposal_is_never_revealed(client, secret_dao):
    dao, people, proposal = secret_dao
    jobs = {people["voter"]: cast(client, dao, proposal["slug"], people["voter"], {"choice": "Lime"}),
            people["other"]: cast(client, dao, proposal["slug"], people["other"], {"choice": "Oak"})}
    act(client, dao, proposal["slug"], "cancel", people["owner"])
    assert detail(client, dao, proposal["slug"], people["owner"])["status"] == "canceled"
    assert_hidden_everywhere(client, dao, proposal, people, jobs)
    with transaction() as session:  # secrecy by access: the server holds the ballots all along
        stored = dict(session.execute(select(Vote.voter_id, Vote.ballot).where(Vote.proposal_id == proposal["id"])).all())
    assert stored == {people["voter"]: {"choice": "Lime"}, people["other"]: {"choice": "Oak"}}
