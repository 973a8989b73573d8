"""GET /api/v1/daos/{slug}/events/stream (SPEC 8.3): Server-Sent Events of the DAO's events as
they are published, resumable with Last-Event-ID, with heartbeats; access as for the DAO."""

from __future__ import annotations

import itertools
import json
import signal
import threading
import time

import pytest
import requests
from sqlalchemy import select

from models import Event
from infra.db import transaction
from tests.conftest import auth, unique
from tests.ops.conftest import wait_published as wait_dao_published

pytestmark = pytest.mark.usefixtures("worker")


class SseReader:
    """Reads SSE messages from a streaming `requests` response, in the test's own thread (a
    read that waits longer than the response's read timeout fails the test)."""

    def __init__(self, response: requests.Response):
        self.response = response
        self.messages: list[dict] = []
        self.comments: list[str] = []
        self._lines = response.iter_lines(decode_unicode=True)
        self._message: dict = {}

    def _read_line(self) -> None:
        line = next(self._lines)
        if line == "":
            if "data" in self._message:
                self.messages.append(self._message)
            self._message = {}
        elif line.startswith(":"):
            self.comments.append(line[1:].strip())
        else:
            field, _, text = line.partition(":")
            self._message[field] = text.removeprefix(" ")

    def wait(self, predicate, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            assert time.monotonic() < deadline, f"timed out; messages={self.messages} comments={self.comments}"
            self._read_line()

    def close(self) -> None:
        self.response.close()


def open_stream(live_api, slug: str, subject: str, **headers) -> SseReader:
    response = requests.get(
        f"{live_api.url}/api/v1/daos/{slug}/events/stream", headers={**auth(subject), **headers},
        stream=True, timeout=(5, 20),
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    reader = SseReader(response)
    reader.wait(lambda r: "connected" in r.comments)  # subscribed: what is published from now on arrives
    return reader


def delta(live_api, slug: str, owner: str, amount: str) -> dict:
    response = live_api.post(f"/api/v1/daos/{slug}/treasury/deltas", owner,
                             {"token_symbol": "SSE", "delta": amount, "reason": "stream"}, Prefer="wait=10")
    assert response.status_code == 201, response.text
    return response.json()


def wait_published(transaction_ids: list[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with transaction() as session:
            rows = session.scalars(select(Event).where(Event.type == "treasury_updated")).all()
        published = {e.payload["data"]["transaction_id"] for e in rows if e.published_at is not None}
        if set(transaction_ids) <= published:
            return
        time.sleep(0.1)
    raise TimeoutError("the bridge did not publish the events")


def test_an_event_published_after_connecting_arrives_and_a_reconnect_replays_what_was_missed(live_api, owned_dao):
    dao, owner = owned_dao
    first_reader = open_stream(live_api, dao.slug, owner)
    first = delta(live_api, dao.slug, owner, "10")
    first_reader.wait(lambda r: any(m.get("event") == "treasury_updated" for m in r.messages))
    [message] = [m for m in first_reader.messages if m.get("event") == "treasury_updated"]
    first_reader.close()
    payload = json.loads(message["data"])
    assert payload["dao_slug"] == dao.slug and payload["type"] == "treasury_updated"
    assert payload["data"]["transaction_id"] == first["result"]["transaction_id"]
    assert message["id"].isdigit()

    # While nobody listens: two more events.
    missed = [delta(live_api, dao.slug, owner, amount) for amount in ("1", "2")]
    wait_published([job["result"]["transaction_id"] for job in missed])

    second_reader = open_stream(live_api, dao.slug, owner, **{"Last-Event-ID": message["id"]})
    second_reader.wait(lambda r: len(r.messages) >= 2)
    second_reader.close()
    replayed = [json.loads(m["data"]) for m in second_reader.messages]
    assert [p["data"]["transaction_id"] for p in replayed] == [job["result"]["transaction_id"] for job in missed]
    assert [p["data"]["balance"] for p in replayed] == ["11.00000000", "13.00000000"]
    ids = [int(m["id"]) for m in second_reader.messages]
    assert ids == sorted(ids) and ids[0] > int(message["id"])


def test_the_query_parameter_resumes_like_the_header(live_api, owned_dao):
    dao, owner = owned_dao
    reader = open_stream(live_api, dao.slug, owner)
    delta(live_api, dao.slug, owner, "3")
    reader.wait(lambda r: any(m["event"] == "treasury_updated" for m in r.messages))
    reader.close()
    last_id = [m for m in reader.messages if m["event"] == "treasury_updated"][0]["id"]
    missed = delta(live_api, dao.slug, owner, "4")
    wait_published([missed["result"]["transaction_id"]])
    response = requests.get(
        f"{live_api.url}/api/v1/daos/{dao.slug}/events/stream?last_event_id={last_id}",
        headers=auth(owner), stream=True, timeout=(5, 20),
    )
    again = SseReader(response)
    again.wait(lambda r: len(r.messages) == 1)
    again.close()
    assert json.loads(again.messages[0]["data"])["data"]["transaction_id"] == missed["result"]["transaction_id"]


def test_access_is_as_for_the_dao(live_api, owned_dao):
    dao, owner = owned_dao
    path = f"/api/v1/daos/{dao.slug}/events/stream"
    assert live_api.get(path).status_code == 401
    assert live_api.get(path, unique("user:stranger")).status_code == 403  # private DAO
    assert live_api.get(f"/api/v1/daos/{unique('nodao')}/events/stream", owner).status_code == 404
    bad = live_api.get(path, owner, headers={"Last-Event-ID": "not-a-number"})
    assert bad.status_code == 422 and "Last-Event-ID" in bad.json()["errors"]
    assert live_api.get(path + "?last_event_id=-1", owner).status_code == 422


def test_heartbeats_keep_the_connection_alive(client, owned_dao, monkeypatch):
    import api.stream

    dao, owner = owned_dao
    monkeypatch.setattr(api.stream, "HEARTBEAT_SECONDS", 0.2)
    response = client.get(f"/api/v1/daos/{dao.slug}/events/stream", headers=auth(owner), buffered=False)
    assert response.status_code == 200
    chunks = response.response
    seen = []
    try:  # the DAO's own dao_created event may arrive in between, once the bridge published it
        while seen.count(b": heartbeat\n\n") < 2 and len(seen) < 10:
            seen.append(next(chunks))
    finally:
        response.close()
    assert seen[0].startswith(b"retry: ")
    assert seen.count(b": heartbeat\n\n") == 2


def test_a_process_refuses_listeners_beyond_its_limit(client, owned_dao, monkeypatch):
    import api.stream

    dao, owner = owned_dao
    monkeypatch.setattr(api.stream, "_slots", threading.BoundedSemaphore(1))
    path = f"/api/v1/daos/{dao.slug}/events/stream"
    held = client.get(path, headers=auth(owner), buffered=False)
    assert held.status_code == 200
    try:
        refused = client.get(path, headers=auth(owner), buffered=False)
        assert refused.status_code == 503
        assert refused.get_json()["code"] == "unavailable"
    finally:
        held.close()
    freed = client.get(path, headers=auth(owner), buffered=False)  # closing released the slot
    assert freed.status_code == 200
    freed.close()


def test_a_member_removed_meanwhile_is_cut_off_at_the_next_heartbeat(client, owned_dao, monkeypatch):
    import api.stream
    from tests.factories import add_member

    dao, _ = owned_dao
    member = unique("user:member")
    add_member(dao, member)
    wait_dao_published(dao)
    monkeypatch.setattr(api.stream, "HEARTBEAT_SECONDS", 0.2)
    response = client.get(f"/api/v1/daos/{dao.slug}/events/stream", headers=auth(member), buffered=False)
    assert response.status_code == 200
    chunks = response.response
    try:
        assert next(chunks).startswith(b"retry: ")
        assert next(chunks) == b": heartbeat\n\n"
        add_member(dao, member, status="left")
        rest = list(itertools.islice(chunks, 20))  # the member_updated event may still come first
    finally:
        response.close()
    assert len(rest) < 20 and b": heartbeat\n\n" not in rest, "the stream went on after the removal"


def test_streams_end_promptly_when_the_server_stops(stack, log_dir, owned_dao):
    from tests.ops.conftest import start_api

    dao, owner = owned_dao
    api = start_api(stack, log_dir)
    try:
        reader = open_stream(api, dao.slug, owner)
        started = time.monotonic()
        api.process.proc.send_signal(signal.SIGTERM)  # the gunicorn master: a graceful stop
        with pytest.raises(StopIteration):
            reader.wait(lambda r: False, timeout=15)
        api.process.proc.wait(15)
        # Well before gunicorn's graceful timeout (10 s), with room for a loaded machine.
        assert time.monotonic() - started < 8, "the stream did not end before the graceful timeout"
    finally:
        api.process.stop()
