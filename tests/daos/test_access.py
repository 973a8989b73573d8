"""Every DAO administration route: 401 without valid credentials, 403 to a stranger on a private
DAO and to a member lacking the entitlement (SPEC 4, 8.1)."""

import pytest

from tests.conftest import auth, unique
from tests.daos.common import BAD_CREDENTIALS, problem
from tests.factories import add_member, make_dao

# (method, path under the DAO or None for /api/v1/daos, body, entitlement needed)
ROUTES = [
    ("GET", None, None, None),
    ("POST", None, {"slug": "never-made", "name": "x"}, None),
    ("GET", "", None, "can_read"),
    ("PATCH", "", {"name": "x"}, "can_manage_dao"),
    ("DELETE", "", None, "can_manage_dao"),
    ("GET", "/members", None, "can_read"),
    ("POST", "/members", {"subject_id": "user:someone"}, "can_manage_members"),
    ("GET", "/members/{owner}", None, "can_read"),
    ("PATCH", "/members/{owner}", {"voting_power": "2"}, "can_manage_members"),
    ("DELETE", "/members/{owner}", None, "can_manage_members"),
    ("GET", "/roles", None, "can_read"),
    ("POST", "/roles", {"code": "auditor", "entitlements": {}}, "can_manage_roles"),
    ("GET", "/roles/member", None, "can_read"),
    ("PUT", "/roles/member", {"entitlements": {}}, "can_manage_roles"),
    ("DELETE", "/roles/member", None, "can_manage_roles"),
    ("GET", "/permissions?action=read", None, "can_read"),
    ("GET", "/delegations", None, "can_read"),
    ("PUT", "/delegations/me", {"delegate_id": "{owner}"}, "can_vote"),
    ("DELETE", "/delegations/me", None, "can_read"),
    ("GET", "/activity", None, "can_read"),
]
IDS = [f"{method} {path if path is not None else '/daos'}" for method, path, _, _ in ROUTES]


@pytest.fixture(scope="module")
def dao():
    dao = make_dao()
    add_member(dao, "user:pending-member", status="pending")
    add_member(dao, "user:guest-member", role="guest")
    return dao


def call(client, dao, route, subject=None, headers=None):
    method, path, body, _ = route
    url = "/api/v1/daos" if path is None else f"/api/v1/daos/{dao.slug}{path}"
    url = url.replace("{owner}", dao.owner_subject_id)
    if isinstance(body, dict):
        body = {k: v.replace("{owner}", dao.owner_subject_id) if isinstance(v, str) else v for k, v in body.items()}
    return client.open(url, method=method, json=body, headers=headers if headers is not None else auth(subject))


@pytest.mark.parametrize("credentials", list(BAD_CREDENTIALS), ids=list(BAD_CREDENTIALS))
@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_bad_credentials_are_401(client, dao, route, credentials):
    response = call(client, dao, route, headers=BAD_CREDENTIALS[credentials])
    problem(response, 401, "unauthorized")


@pytest.mark.parametrize("route", [r for r in ROUTES if r[1] is not None], ids=IDS[2:])
def test_a_stranger_to_a_private_dao_gets_403(client, dao, route):
    problem(call(client, dao, route, unique("user:stranger")), 403, "forbidden")


@pytest.mark.parametrize("route", [r for r in ROUTES if r[1] is not None], ids=IDS[2:])
def test_a_member_without_the_entitlement_gets_403(client, dao, route):
    """A pending member holds nothing; a guest holds only can_read."""
    problem(call(client, dao, route, "user:pending-member"), 403, "forbidden")
    if route[3] != "can_read":
        problem(call(client, dao, route, "user:guest-member"), 403, "forbidden")
