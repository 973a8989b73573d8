"""The contract address of a treasury token (SPEC 3 `treasury_balances.contract_address`): set by
the first delta that names one, then fixed; another address is refused clearly, at the route
(409 at once) and in the task (the job fails) alike."""

import pytest
from sqlalchemy import func, select

from infra.db import transaction
from models import Event, Job
from services import jobs
from tests.conftest import auth, unique, wait_job
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.factories import add_member, make_dao

pytestmark = pytest.mark.usefixtures("worker")

USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
OTHER = "0x" + "2" * 40


@pytest.fixture
def dao():
    return make_dao()


def post_delta(client, dao, subject=None, token="USDC", delta="10", **body):
    return client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas",
                       json={"token_symbol": token, "delta": delta, "reason": "seed", **body},
                       headers=auth(subject or dao.owner_subject_id, Prefer="wait=20"))


def items(client, dao) -> dict:
    answer = client.get(f"/api/v1/daos/{dao.slug}/treasury", headers=auth(dao.owner_subject_id)).get_json()
    return {item["token_symbol"]: item["contract_address"] for item in answer["items"]}


def jobs_of(dao) -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).where(Job.target_id == str(dao.id)))


def test_the_first_delta_naming_an_address_sets_it_for_good(client, dao):
    created = post_delta(client, dao, contract_address=USDC)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["result"]["contract_address"] == USDC
    assert items(client, dao) == {"USDC": USDC}
    with transaction() as session:
        event = session.scalar(select(Event).where(Event.dao_id == dao.id, Event.type == "treasury_updated"))
    assert event.payload["data"]["contract_address"] == USDC

    assert post_delta(client, dao, delta="-1").get_json()["status"] == "succeeded"  # naming none
    same = post_delta(client, dao, delta="1", contract_address=USDC.lower())  # the same contract
    assert same.get_json()["status"] == "succeeded" and items(client, dao) == {"USDC": USDC}
    overview = client.get(f"/api/v1/daos/{dao.slug}", headers=auth(dao.owner_subject_id)).get_json()
    assert overview["treasury_items"][0]["contract_address"] == USDC


def test_a_token_without_an_address_takes_the_first_one_named_later(client, dao):
    post_delta(client, dao, token="DAI")
    assert items(client, dao) == {"DAI": None}
    assert post_delta(client, dao, token="DAI", delta="2", contract_address=OTHER).get_json()["status"] == "succeeded"
    assert items(client, dao) == {"DAI": OTHER}


@pytest.mark.parametrize("other", [OTHER, "USDC", USDC[:-1] + "9"])
def test_another_address_is_refused_at_once_and_nothing_is_queued(client, dao, other):
    post_delta(client, dao, contract_address=USDC)
    before = jobs_of(dao)
    body = problem(post_delta(client, dao, delta="5", contract_address=other), 409, "contract_address_mismatch")
    assert USDC in body["detail"] and other in body["detail"]
    assert jobs_of(dao) == before and items(client, dao) == {"USDC": USDC}


def test_a_job_naming_another_address_fails_in_the_task_and_changes_nothing(client, dao):
    """Two deltas accepted before either applied: the task, holding the token row, decides."""
    post_delta(client, dao, contract_address=USDC)
    with transaction() as session:
        job = jobs.record(session, "apply_treasury_delta", actor=dao.owner_subject_id, target_id=dao.id, request={
            "dao_id": str(dao.id), "token_symbol": "USDC", "delta": "5", "reason": "raced",
            "contract_address": OTHER,
        })
    finished = wait_job(client, {"id": str(job.id)}, dao.owner_subject_id)
    assert (finished["status"], finished["error"]["code"]) == ("failed", "contract_address_mismatch")
    balance = client.get(f"/api/v1/daos/{dao.slug}/treasury", headers=auth(dao.owner_subject_id)).get_json()
    assert balance["items"] == [{"token_symbol": "USDC", "contract_address": USDC, "balance": "10.00000000"}]


@pytest.mark.parametrize("address", ["", " 0xab", "0x12 34", "x" * 129, "-0x1", "0x1\n", 42, None])
def test_a_malformed_address_is_422(client, dao, address):
    errors = problem(post_delta(client, dao, contract_address=address), 422, "validation_error")["errors"]
    assert list(errors) == ["contract_address"]
    assert jobs_of(dao) == 0


def test_the_time_token_takes_no_address(client, dao):
    errors = problem(post_delta(client, dao, token="TIME", contract_address=USDC), 422, "validation_error")["errors"]
    assert list(errors) == ["contract_address"]


@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_a_delta_with_an_address_needs_credentials(client, dao, credentials):
    response = client.post(f"/api/v1/daos/{dao.slug}/treasury/deltas", headers=BAD_CREDENTIALS[credentials],
                           json={"token_symbol": "USDC", "delta": "1", "reason": "x", "contract_address": USDC})
    problem(response, 401, "unauthorized")


def test_a_delta_with_an_address_needs_can_manage_treasury(client, dao):
    member = unique("user:m")
    add_member(dao, member)
    problem(post_delta(client, dao, member, contract_address=USDC), 403, "forbidden")
    problem(post_delta(client, dao, unique("user:x"), contract_address=USDC), 403, "forbidden")
    assert items(client, dao) == {}
