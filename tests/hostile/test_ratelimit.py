"""Rate limiting of the write routes per subject (issue 6, api/ratelimit.py): beyond the limit
of the minute, 429 `rate_limited` with Retry-After; reads and other subjects are not held back.
Redis being down lets requests through (tests/faults/test_brokers.py)."""

import pytest

from api.app import create_app
from tests.conftest import auth, unique
from tests.factories import make_dao

LIMIT = 3


@pytest.fixture(scope="module")
def limited(stack):
    return create_app({"TESTING": True, "RATE_LIMIT_PER_MINUTE": LIMIT}).test_client()


def create_dao(client, subject: str):
    return client.post("/api/v1/daos", json={"slug": unique("rl"), "name": "limited"}, headers=auth(subject))


def test_writes_beyond_the_limit_are_429_with_retry_after(limited):
    subject = unique("user:rl")
    assert [create_dao(limited, subject).status_code for _ in range(LIMIT)] == [201] * LIMIT
    refused = create_dao(limited, subject)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_the_limit_is_per_subject_and_only_on_writes(limited):
    busy, other = unique("user:rl"), unique("user:rl")
    for _ in range(LIMIT + 1):
        create_dao(limited, busy)
    assert create_dao(limited, busy).status_code == 429
    assert limited.get("/api/v1/daos", headers=auth(busy)).status_code == 200
    assert create_dao(limited, other).status_code == 201


def test_every_write_method_counts(limited):
    dao = make_dao()
    owner = dao.owner_subject_id
    calls = [
        lambda: limited.patch(f"/api/v1/daos/{dao.slug}", json={"name": "renamed"}, headers=auth(owner)),
        lambda: limited.put(f"/api/v1/daos/{dao.slug}/delegations/me", json={"delegate_id": owner}, headers=auth(owner)),
        lambda: limited.delete(f"/api/v1/daos/{dao.slug}/delegations/me", headers=auth(owner)),
        lambda: limited.post(f"/api/v1/daos/{dao.slug}/roles", json={"code": "x1", "entitlements": {}}, headers=auth(owner)),
    ]
    statuses = [call().status_code for call in calls]
    assert statuses[:LIMIT] != [429] * LIMIT and statuses[LIMIT] == 429, statuses


def test_unauthenticated_writes_are_401_not_counted(limited):
    assert limited.post("/api/v1/daos", json={}).status_code == 401


def test_zero_turns_the_limit_off(stack):
    client = create_app({"TESTING": True, "RATE_LIMIT_PER_MINUTE": 0}).test_client()
    subject = unique("user:rl")
    assert {create_dao(client, subject).status_code for _ in range(LIMIT + 2)} == {201}


def test_votes_count_on_both_paths_and_beyond_the_limit_are_429(limited, worker):
    """The vote POST counts itself (api/votes.py): its first vote on the slow path, the next ones
    in the accept batch's Redis round trip (services.vote_accept); beyond the limit 429 with
    Retry-After and no job."""
    from sqlalchemy import func, select

    from infra.db import transaction
    from models import Job
    from services import vote_accept
    from tests.proposals.helpers import act, create, dao_with_members, url

    dao, owner, members = dao_with_members({"a": "1", "b": "1"})
    proposal = create(limited, dao, owner)
    act(limited, dao, proposal["slug"], "activate", owner)
    vote_accept.forget_all()  # the first vote takes the slow path
    votes_url = url(dao, proposal["slug"], "/votes")
    answers = [limited.post(votes_url, json={"choice": choice}, headers=auth(members["a"]))
               for choice in ("yes", "no", "yes", "no")]
    assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
    assert answers[3].get_json()["code"] == "rate_limited" and 1 <= int(answers[3].headers["Retry-After"]) <= 60
    assert vote_accept.frozen_rules(dao.slug, proposal["slug"]) is not None  # the fast path was open
    with transaction() as session:
        assert session.scalar(select(func.count()).select_from(Job).where(Job.actor == members["a"])) == 3
    assert limited.post(votes_url, json={"choice": "no"}, headers=auth(members["b"])).status_code == 202
