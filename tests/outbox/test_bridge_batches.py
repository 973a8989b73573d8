"""The bridge over a backlog of several batches (SPEC 6, issue 14): every event reaches the
GOVERNANCE stream once, with Nats-Msg-Id = its id, in outbox order; nothing after an event the
stream refused is marked published; a plan published and not recorded goes out again with the
same links. Rows are written by SQL, as a burst of transactions leaves them, without nudging the
bridge."""

import asyncio
import json
import time
import uuid
from itertools import pairwise

import nats
import psycopg
import pytest

from devstack.osutil import find_free_port
from governance.audit_chain import linked_text
from infra.db import transaction
from infra.nats import Message, Publisher, publish_batch, shared_publisher
from services.audit_chain import linked_payload, planned_after, planned_links
from tasks.events import BATCH_SIZE, BRIDGE_LOCK, bridge_lock, publish_pending
from tests.conftest import settings_from, unique


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


def messages_of(plan) -> list[Message]:
    return [Message(link.subject, str(link.id), linked_text(link.text, link.chain_seq, link.prev_hash, link.hash))
            for link in plan]


def insert_late(stack, subject: str) -> str:
    """An event of a transaction that took its seq before every other and committed now."""
    late = str(uuid.uuid4())
    sql(stack, """INSERT INTO events (id, seq, type, subject, actor, payload, created_at)
                  VALUES (%(id)s::uuid, -(SELECT count(*) FROM events) - 1000000, 'member_added', %(subject)s,
                          'user:bridge-batch', jsonb_build_object('id', %(id)s::text), now())""",
        {"id": late, "subject": subject})
    return late


def held_bridge_lock(stack):
    """A connection holding BRIDGE_LOCK: no bridge runs meanwhile (the caller closes it)."""
    hold = psycopg.connect(stack.database_url, autocommit=True)
    hold.execute("SELECT pg_advisory_lock(%s)", (BRIDGE_LOCK,))
    return hold


def test_a_plan_published_and_not_recorded_goes_out_again_with_the_same_links(stack):
    subject = f"dao.{unique('replan')}.member_added"
    with held_bridge_lock(stack):
        ids = insert_events(stack, subject, 10)
        with transaction() as session:
            plan = planned_links(session, BATCH_SIZE)
        assert [str(link.id) for link in plan if str(link.id) in ids] == ids
        assert publish_batch(messages_of(plan)) == [True] * len(plan)  # ... and the bridge dies here
        late = insert_late(stack, subject)
    publish_until(stack, ids + [late])
    messages = stored(stack.nats_url, subject)
    assert [msg_id for msg_id, _ in messages] == ids + [late]  # once each, the plan first
    assert dict(messages) == as_linked(stack, ids + [late])  # as first sent, as recorded
    late_link = as_linked(stack, [late])[late]
    assert late_link["seq"] > max(as_linked(stack, ids)[event_id]["seq"] for event_id in ids)


def test_two_batches_published_and_not_recorded_go_out_again_with_the_same_links(stack):
    """The bridge plans the next batch while the stream stores the current one; dying with both
    published and neither recorded, the next run links the two exactly as they were sent."""
    subject = f"dao.{unique('replan2')}.member_added"
    with held_bridge_lock(stack):
        ids = insert_events(stack, subject, 30)
        with transaction() as session:
            first = planned_links(session, 10)
        with transaction() as session:
            second = planned_after(session, first, 10)
        assert [str(link.id) for link in first + second if str(link.id) in ids] == ids[:20]
        assert not {link.id for link in first} & {link.id for link in second}
        assert publish_batch(messages_of(first + second)) == [True] * (len(first) + len(second))  # dies here
        late = insert_late(stack, subject)
    publish_until(stack, ids + [late])
    messages = stored(stack.nats_url, subject)
    # The plan first, then the batch after it by seq, then a new plan takes the late event.
    assert [msg_id for msg_id, _ in messages] == ids + [late]
    assert dict(messages) == as_linked(stack, ids + [late])  # as first sent, as recorded
    chain = sorted(as_linked(stack, ids + [late]).values(), key=lambda event: event["seq"])
    assert [event["id"] for event in chain] == ids + [late]
    assert all(event["prev_hash"] == before["hash"] for before, event in pairwise(chain))


def test_a_backlog_goes_out_in_order_when_each_batch_is_planned_during_the_last(stack):
    subject = f"dao.{unique('pipeline')}.member_added"
    ids = insert_events(stack, subject, 95)
    deadline = time.monotonic() + 60
    while not all(published(stack, ids)):  # batches of 10: nine planned while another was sent
        assert time.monotonic() < deadline, "the bridge did not publish the backlog"
        publish_pending(batch_size=10)
    messages = stored(stack.nats_url, subject)
    assert [msg_id for msg_id, _ in messages] == ids
    assert dict(messages) == as_linked(stack, ids)
    assert sql(stack, "SELECT count(*) FROM bridge_plan", ()) == [(0,)]  # recorded in full


def test_one_bridge_runs_at_a_time_and_a_run_lets_go_of_its_lock(stack):
    subject = f"dao.{unique('onebridge')}.member_added"
    ids = insert_events(stack, subject, 3)
    with bridge_lock() as locked:
        assert locked
        assert publish_pending() == 0  # another bridge is at work
        assert published(stack, ids) == [False] * 3
    publish_until(stack, ids)
    with bridge_lock() as locked:  # the runs above let go of it
        assert locked


def test_a_run_that_fails_lets_go_of_its_lock(stack):
    ids = insert_events(stack, f"dao.{unique('failedrun')}.member_added", 1)
    nowhere = f"nats://127.0.0.1:{find_free_port()}"  # nothing listens there
    with settings_from(NATS_URL=nowhere), pytest.raises(Exception):  # noqa: B017 - whatever nats-py raises
        publish_pending()
    assert published(stack, ids) == [False]
    with bridge_lock() as locked:
        assert locked
    publish_until(stack, ids)


def test_batches_started_together_go_out_in_the_order_started(stack):
    subject = f"dao.{unique('started')}.member_added"
    batches = [[Message(subject, str(uuid.uuid4()), json.dumps({"n": i * 100 + j}).encode()) for j in range(50)]
               for i in range(3)]
    with Publisher() as publisher:
        sending = [publisher.start_batch(batch) for batch in batches]
        assert [future.result() for future in sending] == [[True] * 50] * 3
    assert [msg_id for msg_id, _ in stored(stack.nats_url, subject)] == [m.msg_id for b in batches for m in b]


def test_the_process_keeps_its_connection_and_replaces_one_that_went_away(stack):
    subject = f"dao.{unique('shared')}.member_added"
    publisher = shared_publisher()
    assert shared_publisher() is publisher  # what every bridge run of this process uses

    def message() -> Message:
        return Message(subject, str(uuid.uuid4()), b"{}")

    sent = [message(), message()]
    assert publisher.publish_batch(sent[:1]) == [True]
    first = publisher.connection
    assert publisher.publish_batch(sent[1:]) == [True]
    assert publisher.connection is first  # one connection for both
    asyncio.run_coroutine_threadsafe(first.close(), publisher._loop).result()  # the server went away
    sent.append(message())
    assert publisher.publish_batch(sent[2:]) == [True]
    assert publisher.connection is not first and publisher.connection.is_connected
    assert [msg_id for msg_id, _ in stored(stack.nats_url, subject)] == [m.msg_id for m in sent]
