"""The bridge over a backlog of several batches (SPEC 6, issue 14): every event reaches the
GOVERNANCE stream once, with Nats-Msg-Id = its id, in outbox order; nothing after an event the
stream refused is marked published; a plan published and not recorded goes out again with the
same links. Rows are written by SQL, as a burst of transactions leaves them, without nudging the
bridge."""

import asyncio
import json
import time
import uuid

import nats
import psycopg

from governance.audit_chain import linked_text
from infra.db import transaction
from infra.nats import Message, publish_batch
from services.audit_chain import linked_payload, planned_links
from tasks.events import BATCH_SIZE, BRIDGE_LOCK, publish_pending
from tests.conftest import unique


def insert_events(stack, subject: str, count: int) -> list[str]:
    """`count` unpublished outbox rows on `subject`, in seq order; their ids."""
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        rows = conn.execute(
            """WITH new AS (SELECT i, gen_random_uuid() AS id FROM generate_series(1, %(n)s) AS i)
               INSERT INTO events (id, type, subject, actor, payload, created_at)
               SELECT id, 'member_added', %(subject)s, 'user:bridge-batch', jsonb_build_object('id', id::text, 'n', i), now()
               FROM new ORDER BY i
               RETURNING id, seq""",
            {"n": count, "subject": subject},
        ).fetchall()
    return [str(event_id) for event_id, _ in sorted(rows, key=lambda row: row[1])]


def sql(stack, statement: str, params) -> list[tuple]:
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def published(stack, ids: list[str]) -> list[bool]:
    """Whether each of `ids` is marked published, in the order given."""
    rows = dict(sql(stack, "SELECT id::text, published_at IS NOT NULL FROM events WHERE id = ANY(%s::uuid[])", (ids,)))
    return [rows[event_id] for event_id in ids]


def publish_until(stack, ids: list[str], timeout: float = 60) -> None:
    """Run the bridge until every one of `ids` is marked (a bridge of the session's worker may
    hold the bridge lock for a while)."""
    deadline = time.monotonic() + timeout
    while not all(published(stack, ids)):
        assert time.monotonic() < deadline, "the bridge did not publish the backlog"
        publish_pending()


def as_linked(stack, ids: list[str]) -> dict[str, dict]:
    """id -> the event as its chain holds it (payload and links, as recorded)."""
    rows = sql(stack, "SELECT id::text, payload, chain_seq, prev_hash, hash FROM events WHERE id = ANY(%s::uuid[])",
               (ids,))
    return {event_id: linked_payload(payload, *links) for event_id, payload, *links in rows}


def stored(nats_url: str, subject: str) -> list[tuple[str, dict]]:
    """(Nats-Msg-Id, payload) of every message of the stream on `subject`, in stream order."""

    async def collect():
        nc = await nats.connect(nats_url)
        try:
            sub = await nc.jetstream().subscribe(subject, ordered_consumer=True)
            found = []
            try:
                while True:
                    msg = await sub.next_msg(timeout=1)
                    found.append((msg.headers["Nats-Msg-Id"], json.loads(msg.data)))
            except nats.errors.TimeoutError:
                return found
        finally:
            await nc.close()

    return asyncio.run(collect())


def test_a_backlog_of_several_batches_is_published_once_each_in_order_with_its_ids(stack):
    subject = f"dao.{unique('batches')}.member_added"
    count = 2 * BATCH_SIZE + 1000
    ids = insert_events(stack, subject, count)
    publish_until(stack, ids)
    messages = stored(stack.nats_url, subject)
    assert [msg_id for msg_id, _ in messages] == ids
    assert all(payload["id"] == msg_id for msg_id, payload in messages)

    # As if the bridge died after publishing, before marking: the stream drops every repeat.
    sql(stack, "UPDATE events SET published_at = NULL WHERE id = ANY(%s::uuid[])", (ids,))
    publish_until(stack, ids)
    assert [msg_id for msg_id, _ in stored(stack.nats_url, subject)] == ids


def test_nothing_after_an_event_the_stream_refused_is_marked(stack):
    subject = f"dao.{unique('refused')}.member_added"
    ids = insert_events(stack, subject, 10)
    outside = f"nowhere.{uuid.uuid4().hex}"  # no stream holds it: the publish gets no ack
    sql(stack, "UPDATE events SET subject = %s WHERE id = %s", (outside, ids[4]))
    try:
        deadline = time.monotonic() + 60
        while not all(published(stack, ids[:4])):
            assert time.monotonic() < deadline, "the bridge did not publish the events before the refused one"
            publish_pending()
        assert published(stack, ids) == [True] * 4 + [False] * 6
    finally:  # the refused row would stop every later bridge run of the session
        sql(stack, "UPDATE events SET subject = %s WHERE id = %s", (subject, ids[4]))
    publish_until(stack, ids)
    # The five sent after the refused one were stored the first time and dropped as repeats later:
    # the rest of the plan was linked again exactly as it had been sent.
    messages = stored(stack.nats_url, subject)
    assert sorted(msg_id for msg_id, _ in messages) == sorted(ids)
    assert dict(messages) == as_linked(stack, ids)


def test_a_plan_published_and_not_recorded_goes_out_again_with_the_same_links(stack):
    subject = f"dao.{unique('replan')}.member_added"
    with psycopg.connect(stack.database_url, autocommit=True) as hold:
        hold.execute("SELECT pg_advisory_lock(%s)", (BRIDGE_LOCK,))  # no other bridge meanwhile
        try:
            ids = insert_events(stack, subject, 10)
            with transaction() as session:
                plan = planned_links(session, BATCH_SIZE)
            assert [str(link.id) for link in plan if str(link.id) in ids] == ids
            sent = [Message(link.subject, str(link.id), linked_text(link.text, link.chain_seq, link.prev_hash, link.hash))
                    for link in plan]
            assert publish_batch(sent) == [True] * len(plan)  # ... and the bridge dies here
            # A transaction that took its seq before the plan's events and committed after them.
            late = str(uuid.uuid4())
            sql(stack, """INSERT INTO events (id, seq, type, subject, actor, payload, created_at)
                          VALUES (%(id)s::uuid, -(SELECT count(*) FROM events) - 1000000, 'member_added', %(subject)s,
                                  'user:bridge-batch', jsonb_build_object('id', %(id)s::text), now())""",
                {"id": late, "subject": subject})
        finally:
            hold.execute("SELECT pg_advisory_unlock(%s)", (BRIDGE_LOCK,))
    publish_until(stack, ids + [late])
    messages = stored(stack.nats_url, subject)
    assert [msg_id for msg_id, _ in messages] == ids + [late]  # once each, the plan first
    assert dict(messages) == as_linked(stack, ids + [late])  # as first sent, as recorded
    late_link = as_linked(stack, [late])[late]
    assert late_link["seq"] > max(as_linked(stack, ids)[event_id]["seq"] for event_id in ids)
