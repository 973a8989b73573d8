"""Creating a DAO over HTTP publishes `dao.<slug>.dao_created` on NATS (SPEC 6), through the
outbox and the bridge task running on a real worker."""

import pytest

from tests.conftest import auth, unique
from tests.natsutil import fetch_events

pytestmark = pytest.mark.usefixtures("worker")


def test_creating_a_dao_publishes_dao_created(client, stack):
    owner, slug = unique("user:o"), unique("nats")
    response = client.post("/api/v1/daos", json={"slug": slug, "name": "Published"}, headers=auth(owner))
    assert response.status_code == 201
    dao = response.get_json()
    [payload] = fetch_events(stack.nats_url, f"dao.{slug}.>", count=1, timeout=10)
    # SPEC 6, and the event's place in its DAO's audit chain (issue 13): the first, after genesis.
    assert set(payload) == {"id", "type", "dao_id", "dao_slug", "actor", "ts", "data", "seq", "prev_hash", "hash"}
    assert (payload["type"], payload["dao_id"], payload["dao_slug"], payload["actor"]) == (
        "dao_created", dao["id"], slug, owner,
    )
    assert dao.pop("project_ids") == []  # links have events of their own
    assert (payload["seq"], payload["prev_hash"]) == (1, "0" * 64) and len(payload["hash"]) == 64
    assert payload["ts"].endswith("Z") and payload["data"] == dao


def test_member_and_delegation_events_follow_in_order(client, stack):
    owner, slug, member = unique("user:o"), unique("nats"), unique("user:m")
    headers = auth(owner)
    assert client.post("/api/v1/daos", json={"slug": slug, "name": "Ordered"}, headers=headers).status_code == 201
    assert client.post(f"/api/v1/daos/{slug}/members", json={"subject_id": member}, headers=headers).status_code == 201
    delegation = client.put(f"/api/v1/daos/{slug}/delegations/me", json={"delegate_id": member}, headers=headers)
    assert delegation.status_code == 200
    assert client.patch(f"/api/v1/daos/{slug}", json={"quorum_percent": 30}, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/daos/{slug}", headers=headers).status_code == 204
    payloads = fetch_events(stack.nats_url, f"dao.{slug}.>", count=5, timeout=10)
    assert [p["type"] for p in payloads] == [
        "dao_created", "member_added", "delegation_changed", "dao_updated", "dao_deactivated",
    ]
