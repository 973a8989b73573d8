"""The audit chain assigned by the publishing bridge (issue 13): one chain per DAO and one for
the events outside any DAO, seq 1, 2, ... with no gap, each hash over the payload as stored and
the previous hash; linked before publication, and published with its links."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from governance.audit_chain import GENESIS, PLATFORM_CHAIN, verify_chain
from infra.db import transaction
from models import Event
from services.audit_chain import dao_chain, linked
from services.outbox import record_event
from tasks.events import publish_pending
from tests.conftest import auth, unique
from tests.factories import add_member, make_dao
from tests.outbox.test_bridge_batches import stored
from tests.verifiable.helpers import fetched, link_through


def chain_rows(chain: str) -> list[Event]:
    with transaction() as session:
        return session.scalars(select(Event).where(Event.chain == chain).order_by(Event.chain_seq)).all()


def test_each_dao_has_its_own_chain_from_genesis_in_event_order(stack):
    first, second = make_dao(), make_dao()
    for dao in (first, second, first):
        add_member(dao, unique("user:m"))
    link_through(first.id)
    link_through(second.id)
    for dao, types in ((first, ["dao_created", "member_added", "member_added"]), (second, ["dao_created", "member_added"])):
        rows = chain_rows(dao_chain(dao.id))
        assert [row.type for row in rows] == types
        assert [row.chain_seq for row in rows] == list(range(1, len(rows) + 1))
        assert rows[0].prev_hash == GENESIS
        assert [row.seq for row in rows] == sorted(row.seq for row in rows)
        assert verify_chain([linked(row) for row in rows], dao_chain(dao.id)) is None


def test_events_outside_any_dao_form_the_platform_chain(stack):
    marker = unique("user:platform")
    with transaction() as session:
        ids = [record_event(session, "timebank.credited", actor=marker, data={"n": n}).id for n in range(3)]
    runs = 0
    while True:
        with transaction() as session:
            rows = session.scalars(select(Event).where(Event.id.in_(ids)).order_by(Event.seq)).all()
        if all(row.hash for row in rows):
            break
        runs += 1
        assert runs < 200, "the platform events stayed unlinked"
        publish_pending()
    assert {row.chain for row in rows} == {PLATFORM_CHAIN}
    assert [row.chain_seq for row in rows] == sorted(row.chain_seq for row in rows)
    with transaction() as session:  # other platform events of the session may sit between them
        previous = dict(session.execute(select(Event.chain_seq, Event.hash).where(
            Event.chain == PLATFORM_CHAIN, Event.chain_seq.in_([row.chain_seq - 1 for row in rows]))).all())
    assert [row.prev_hash for row in rows] == [previous.get(row.chain_seq - 1, GENESIS) for row in rows]
    assert verify_chain([linked(row) for row in rows[:1]]) is None


def test_the_nats_message_carries_the_links_as_stored(stack):
    dao = make_dao()
    add_member(dao, unique("user:m"))
    link_through(dao.id)
    rows = chain_rows(dao_chain(dao.id))
    publish_pending()
    published = {p["id"]: p for _, p in stored(stack.nats_url, f"dao.{dao.slug}.>")}
    assert [published[str(row.id)] for row in rows] == [linked(row) for row in rows]
    assert all(published[str(row.id)]["hash"] == row.hash for row in rows)


def test_rows_written_before_the_chain_existed_are_linked_oldest_first(stack):
    """As after the migration: published rows without links are linked by the next bridge runs."""
    dao_id = uuid.uuid4()
    ids = [uuid.uuid4() for _ in range(3)]
    with transaction() as session:
        for n, event_id in enumerate(ids):
            payload = {"id": str(event_id), "type": "member_added", "dao_id": str(dao_id), "dao_slug": "old",
                       "actor": "user:old", "ts": "2026-01-01T00:00:00Z", "data": {"n": n}}
            session.add(Event(id=event_id, dao_id=dao_id, dao_slug="old", type="member_added",
                              subject="dao.old.member_added", actor="user:old", payload=payload))
            session.flush()
        session.execute(Event.__table__.update().where(Event.id.in_(ids)).values(published_at=Event.created_at))
    link_through(dao_id)
    rows = chain_rows(dao_chain(dao_id))
    assert [row.id for row in rows] == ids and [row.chain_seq for row in rows] == [1, 2, 3]
    assert verify_chain([linked(row) for row in rows]) is None


def test_the_activity_shows_each_events_links(client, stack):
    dao = make_dao()
    add_member(dao, unique("user:m"))
    link_through(dao.id)
    items = fetched(client, f"/api/v1/daos/{dao.slug}/activity", dao.owner_subject_id)["items"]
    rows = {str(row.id): row for row in chain_rows(dao_chain(dao.id))}
    assert [(i["seq"], i["prev_hash"], i["hash"]) for i in items] == [
        (rows[i["id"]].chain_seq, rows[i["id"]].prev_hash, rows[i["id"]].hash) for i in items]
    assert [i["seq"] for i in items] == [2, 1]


def test_an_audit_export_is_paged_by_seq_and_each_page_verifies_from_its_first_prev_hash(client, stack):
    dao = make_dao()
    for _ in range(4):
        add_member(dao, unique("user:m"))
    link_through(dao.id)
    path = f"/api/v1/daos/{dao.slug}/audit/export"
    pages, cursor = [], None
    while True:
        page = fetched(client, f"{path}?limit=2" + (f"&cursor={cursor}" if cursor else ""), dao.owner_subject_id)
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [[e["seq"] for e in page["events"]] for page in pages] == [[1, 2], [3, 4], [5]]
    assert all(page["chain"] == f"dao:{dao.id}" and page["format"] == "governance.audit_export" for page in pages)
    for page in pages:
        assert verify_chain(page["events"], page["chain"]) is None
    whole = fetched(client, path, dao.owner_subject_id)
    assert whole["events"] == [e for page in pages for e in page["events"]]
    assert whole["next_cursor"] is None


def test_a_payload_value_the_chain_cannot_hash_is_refused_where_it_enters(client, stack):
    """Free-form JSON reaches events only through a proposal's action_payload: an integer beyond
    RFC 8785's range there would stop the chain, so the API refuses it (a string carries it)."""
    dao = make_dao()
    owner = auth(dao.owner_subject_id)
    path = f"/api/v1/daos/{dao.slug}/proposals"
    response = client.post(path, json={"title": "Big", "action_payload": {"budget": 2**60}}, headers=owner)
    assert response.status_code == 422 and "action_payload" in response.get_json()["errors"], response.get_json()
    response = client.post(path, json={"title": "Big", "action_payload": {"budget": str(2**60)}}, headers=owner)
    assert response.status_code == 201, response.get_json()
