"""A banned subject's reads (issue 11, item 7; SPEC 4, 7: a subject banned by moderation holds
no entitlement in any DAO): every read of DAO data answers one code, 403 `banned`, the list of
DAOs included (it listed the private DAOs every other route refused to show), in DAOs it owns,
DAOs it is a member of, public DAOs and private DAOs alike; its own account and jobs stay
readable; `restore` gives everything back."""

from __future__ import annotations

import pytest

from tests.conftest import auth, unique
from tests.daos.common import problem
from tests.factories import add_member, make_dao
from tests.moderation.test_bans import moderate

READS = ["", "/members", "/proposals", "/treasury", "/treasury/transactions", "/activity", "/roles",
         "/permissions", "/delegations"]


@pytest.fixture
def banned(client):
    subject = unique("user:banned")
    owned = make_dao(owner=subject)  # private, owned
    public_member = make_dao(is_public=True)
    add_member(public_member, subject, role="admin")
    private_member = make_dao()
    add_member(private_member, subject)
    public_stranger = make_dao(is_public=True)
    private_stranger = make_dao()
    moderate(client, subject, "ban")
    return subject, [owned, public_member, private_member, public_stranger, private_stranger]


def test_every_dao_read_of_a_banned_subject_is_403_banned(client, banned):
    subject, daos = banned
    for dao in daos:
        for path in READS:
            problem(client.get(f"/api/v1/daos/{dao.slug}{path}", headers=auth(subject)), 403, "banned")


@pytest.mark.parametrize("query", ["", "?public=true", "?public=false&limit=1"])
def test_the_list_of_daos_of_a_banned_subject_is_403_banned(client, banned, query):
    subject, _ = banned
    problem(client.get(f"/api/v1/daos{query}", headers=auth(subject)), 403, "banned")


def test_a_banned_subject_still_reads_its_own_account_and_a_restore_gives_back_every_read(client, banned):
    subject, daos = banned
    assert client.get("/api/v1/timebank/balance", headers=auth(subject)).status_code == 200
    moderate(client, subject, "restore")
    listed = client.get("/api/v1/daos?limit=500", headers=auth(subject)).get_json()["items"]
    assert {d["slug"] for d in listed} >= {daos[0].slug, daos[1].slug, daos[2].slug}
    for dao in daos[:4]:
        assert client.get(f"/api/v1/daos/{dao.slug}", headers=auth(subject)).status_code == 200
    problem(client.get(f"/api/v1/daos/{daos[4].slug}", headers=auth(subject)), 403, "forbidden")
