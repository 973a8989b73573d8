"""Reading another subject's time-credit account (issue 11): a platform admin reads any subject's
account and ledger with `?subject_id=`; for everyone else another subject's is 403, never the
caller's own answered in its place."""

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem, walk
from tests.timebank.util import ADMIN, fund

pytestmark = pytest.mark.usefixtures("worker")
PATHS = ("/api/v1/timebank/balance", "/api/v1/timebank/transactions")


def test_a_platform_admin_reads_any_subjects_account_and_ledger(client):
    subject = unique("user:someone")
    fund(client, subject, "2.5")
    fund(client, subject, "-1")
    account = client.get(f"/api/v1/timebank/balance?subject_id={subject}", headers=auth(ADMIN, ["platform_admin"]))
    assert account.status_code == 200, account.get_json()
    assert account.get_json() == {"subject_id": subject, "balance": "1.50000000", "lifetime_earned": "2.50000000",
                                  "lifetime_spent": "1.00000000"}
    ledger = client.get(f"/api/v1/timebank/transactions?subject_id={subject}&limit=1",
                        headers=auth(ADMIN, ["platform_admin"])).get_json()
    assert [row["amount"] for row in ledger["items"]] == ["-1.00000000"] and ledger["next_cursor"]
    admin_own = client.get("/api/v1/timebank/balance", headers=auth(ADMIN, ["platform_admin"])).get_json()
    assert admin_own["subject_id"] == ADMIN


def test_an_account_never_used_reads_as_zero_for_the_admin(client):
    nobody = unique("user:nobody")
    account = client.get(f"/api/v1/timebank/balance?subject_id={nobody}", headers=auth(ADMIN, ["platform_admin"]))
    assert account.get_json() == {"subject_id": nobody, "balance": "0.00000000", "lifetime_earned": "0.00000000",
                                  "lifetime_spent": "0.00000000"}
    ledger = client.get(f"/api/v1/timebank/transactions?subject_id={nobody}", headers=auth(ADMIN, ["platform_admin"]))
    assert ledger.get_json() == {"items": [], "next_cursor": None}


def test_anyone_names_itself(client):
    me = unique("user:me")
    fund(client, me, "3")
    assert client.get(f"/api/v1/timebank/balance?subject_id={me}", headers=auth(me)).get_json()["balance"] == "3.00000000"
    assert len(walk(client, f"/api/v1/timebank/transactions?subject_id={me}", me, limit=10)) == 1


@pytest.mark.parametrize("roles", [(), ("moderator",)])
@pytest.mark.parametrize("path", PATHS)
def test_another_subject_is_403_for_everyone_else(client, roles, path):
    other = unique("user:other")
    fund(client, other, "1")
    problem(client.get(f"{path}?subject_id={other}", headers=auth(unique("user:me"), roles)), 403, "forbidden")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("credentials", BAD_CREDENTIALS)
def test_bad_credentials_are_401(client, path, credentials):
    problem(client.get(f"{path}?subject_id=user:x", headers=BAD_CREDENTIALS[credentials]), 401, "unauthorized")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("query", ["?subject_id=", "?subject_id=" + "u" * 201, "?subject=user:x", "?limit=0"])
def test_bad_queries_are_422(client, path, query):
    if path.endswith("balance") and "limit" in query:
        query = "?cursor=x"  # the account takes no page parameters
    problem(client.get(path + query, headers=auth(ADMIN, ["platform_admin"])), 422, "validation_error")
