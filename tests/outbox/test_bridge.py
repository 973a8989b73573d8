"""The outbox and the NATS bridge (SPEC 6): events committed with their change are published to
the GOVERNANCE stream with Nats-Msg-Id = event id, marked published only once acknowledged."""

import asyncio
import json
import subprocess
import sys
import time
import uuid

import nats
import pytest
from sqlalchemy import select, update

from governance.audit_chain import linked_text
from services.audit_chain import linked_payload
from services.outbox import record_event
from models import Event
from infra.db import transaction
from tasks.events import publish_pending
from tests.conftest import unique
from tests.stack import ROOT


def record(subject_id: str) -> uuid.UUID:
    with transaction() as session:
        event = record_event(session, "timebank.credited", actor=subject_id, data={"subject_id": subject_id})
    return event.id


def published_at(event_id):
    with transaction() as session:
        return session.scalar(select(Event.published_at).where(Event.id == event_id))


def wait_published(event_id, timeout=20):
    deadline = time.monotonic() + timeout
    while published_at(event_id) is None:
        assert time.monotonic() < deadline, "the bridge did not publish the event"
        time.sleep(0.05)


def stream_messages_with_id(nats_url: str, event_id) -> list[dict]:
    """The payloads stored in the stream under Nats-Msg-Id = event_id."""

    async def collect():
        nc = await nats.connect(nats_url)
        try:
            sub = await nc.jetstream().subscribe("timebank.credited", ordered_consumer=True)
            found = []
            try:
                while True:
                    msg = await sub.next_msg(timeout=0.5)
                    if msg.headers.get("Nats-Msg-Id") == str(event_id):
                        found.append(json.loads(msg.data))
            except nats.errors.TimeoutError:
                return found
        finally:
            await nc.close()

    return asyncio.run(collect())


def test_a_committed_event_is_published_after_commit_with_its_id(stack, worker):
    subject_id = unique("user:bridge")
    event_id = record(subject_id)
    wait_published(event_id)
    [payload] = stream_messages_with_id(stack.nats_url, event_id)
    assert payload["id"] == str(event_id)
    assert payload["type"] == "timebank.credited" and payload["actor"] == subject_id


def test_a_message_is_the_stored_text_with_the_link_fields_appended(stack, worker):
    subject_id = unique("user:bridge-é-\U0001f600")
    event_id = record(subject_id)
    wait_published(event_id)
    [payload] = stream_messages_with_id(stack.nats_url, event_id)
    with transaction() as session:
        row = session.get(Event, event_id)
        assert payload == linked_payload(row.payload, row.chain_seq, row.prev_hash, row.hash)
    assert payload["actor"] == subject_id  # sent as UTF-8, read back the same
    text = linked_text('{"a": "\u00e9", "seq": 9}', 3, "0" * 64, "f" * 64)
    assert json.loads(text) == linked_payload({"a": "é", "seq": 9}, 3, "0" * 64, "f" * 64)  # the last key wins
    assert json.loads(linked_text("{}", 1, "0" * 64, "f" * 64)) == {"seq": 1, "prev_hash": "0" * 64, "hash": "f" * 64}


def test_a_rolled_back_change_writes_no_event(stack):
    marker = unique("user:rollback")
    with pytest.raises(RuntimeError):
        with transaction() as session:
            record_event(session, "timebank.credited", actor=marker, data={})
            raise RuntimeError("abort")
    with transaction() as session:
        assert session.scalar(select(Event.id).where(Event.actor == marker)) is None


def test_a_republished_event_is_dropped_by_the_stream(stack, worker):
    event_id = record(unique("user:dup"))
    wait_published(event_id)
    with transaction() as session:  # as if the bridge crashed after publishing, before marking
        session.execute(update(Event).where(Event.id == event_id).values(published_at=None))
    publish_pending()
    assert published_at(event_id) is not None
    assert len(stream_messages_with_id(stack.nats_url, event_id)) == 1


def test_events_stay_unpublished_while_nats_is_unreachable(stack):
    from devstack.osutil import find_free_port

    event_id = uuid.uuid4()
    with transaction() as session:  # a row written without nudging the bridge
        session.add(Event(id=event_id, type="timebank.credited", subject="timebank.credited",
                          actor="user:down", payload={"id": str(event_id)}))
    code = "from tasks.events import publish_events; print(publish_events())"
    env = stack.env(NATS_URL=f"nats://127.0.0.1:{find_free_port()}")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "0", out.stderr[-2000:]
    assert published_at(event_id) is None
    publish_pending()
    assert published_at(event_id) is not None
