"""GET /api/v1/daos/{slug}/events/stream: the DAO's events as Server-Sent Events (SPEC 8.3).

The source is the NATS stream itself (subjects `dao.<slug>.>` of GOVERNANCE), read by an
ephemeral ordered JetStream consumer per listener:
- events arrive as the bridge publishes them, without polling the database;
- the SSE `id:` is the event's JetStream stream sequence, which grows in publication order, so a
  reconnect with `Last-Event-ID: n` (or `?last_event_id=n`) replays exactly what came after n,
  neither skipping an event whose database row committed late nor sending one twice. The
  event's own id is in `data.id`. Without an id the stream starts with the next event.
- `event:` is the event type, `data:` the event payload of SPEC 6, one JSON line.

A comment line is sent every HEARTBEAT_SECONDS; the caller's access to the DAO (`can_read`) is
checked on connect and again at every heartbeat, so a member removed meanwhile is cut off.

Capacity: a listener holds one gunicorn thread (gthread) for as long as it listens. A process
accepts at most MAX_STREAMS_PER_PROCESS listeners and answers 503 beyond, so that ordinary
requests always keep threads of their own (api/gunicorn_conf.py sizes the pool to match).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time

import nats
import nats.errors
import nats.js.errors
import sqlalchemy.exc
from flask import Blueprint, Response, g, request
from marshmallow import ValidationError, fields, validate
from werkzeug.exceptions import ServiceUnavailable

from services.access import dao_access
from api.endpoint import NotJson, endpoint
from api.schemas.base import StrictSchema
from governance.errors import DomainError
from infra.config import get_settings
from infra.nats import STREAM, ensure_stream
from infra.db import transaction

log = logging.getLogger(__name__)

bp = Blueprint("stream", __name__, url_prefix="/api/v1/daos/<slug>/events")

HEARTBEAT_SECONDS = 15.0
SHUTDOWN_POLL_SECONDS = 1.0
RETRY_MILLISECONDS = 3000
MAX_STREAMS_PER_PROCESS = 16
_slots = threading.BoundedSemaphore(MAX_STREAMS_PER_PROCESS)
_shutting_down = lambda: False  # noqa: E731 - replaced by the gunicorn worker (set_shutdown_probe)


def set_shutdown_probe(probe) -> None:
    """`probe()` is true once the server process is stopping: streams then end within
    SHUTDOWN_POLL_SECONDS, and their clients reconnect (with Last-Event-ID) to another process."""
    global _shutting_down
    _shutting_down = probe


class StreamQuerySchema(StrictSchema):
    last_event_id = fields.Integer(
        load_default=None, validate=validate.Range(min=0, max=2**63 - 1),  # events.seq is a bigint
        metadata={"description": "resume after this event id, for clients that cannot send Last-Event-ID"},
    )


def _start_after(query: dict) -> int | None:
    header = request.headers.get("Last-Event-ID")
    if header is None or not header.strip():
        return query["last_event_id"]
    if not header.strip().isdigit() or len(header.strip()) > 19:  # a stream sequence is a uint64
        raise ValidationError({"Last-Event-ID": ["must be an event id sent by this stream"]})
    return int(header)


class EventStream:
    """The response body: an iterable that owns a private event loop, NATS connection and
    ordered consumer, released by `close()` (called by the WSGI server at the end)."""

    def __init__(self, slug: str, principal, start_after: int | None):
        self.slug, self.principal = slug, principal
        self.loop = asyncio.new_event_loop()
        self.nc = self.sub = None
        try:
            self.loop.run_until_complete(self._subscribe(start_after))
        except BaseException:
            self.close()
            raise

    async def _subscribe(self, start_after: int | None) -> None:
        from nats.js.api import ConsumerConfig, DeliverPolicy

        self.nc = await nats.connect(get_settings().nats_url, connect_timeout=2, allow_reconnect=False)
        js = self.nc.jetstream()
        await ensure_stream(js)
        if start_after is None:
            policy, config = DeliverPolicy.NEW, None
        else:
            policy, config = DeliverPolicy.BY_START_SEQUENCE, ConsumerConfig(opt_start_seq=start_after + 1)
        self.sub = await js.subscribe(
            f"dao.{self.slug}.>", stream=STREAM, ordered_consumer=True, deliver_policy=policy, config=config,
            inactive_threshold=60,
        )

    def _still_allowed(self) -> bool:
        try:
            with transaction() as session:
                dao_access(session, self.slug, self.principal)
            return True
        except DomainError:
            return False
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as error:
            log.warning("event stream of %s ended: cannot check access: %s", self.slug, error)
            return False  # the client reconnects (and gets 503 while the database is down)

    def __iter__(self):
        yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n"
        next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
        while not _shutting_down():
            wait = min(SHUTDOWN_POLL_SECONDS, next_heartbeat - time.monotonic())
            try:
                msg = self.loop.run_until_complete(self.sub.next_msg(timeout=max(wait, 0.001)))
            except nats.errors.TimeoutError:
                if time.monotonic() < next_heartbeat:
                    continue
                next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
                if not self._still_allowed():
                    return
                yield ": heartbeat\n\n"
                continue
            except (nats.errors.Error, nats.js.errors.Error, OSError) as error:
                log.warning("event stream of %s ended: %s", self.slug, error)
                return  # the client reconnects with Last-Event-ID and loses nothing
            yield format_event(msg)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        try:
            if self.sub is not None:
                self.loop.run_until_complete(self.sub.unsubscribe())  # drops the ephemeral consumer
            if self.nc is not None and not self.nc.is_closed:
                self.loop.run_until_complete(self.nc.close())
        except Exception:  # noqa: BLE001 - the server drops an inactive ephemeral consumer anyway
            log.debug("closing the stream's NATS subscription failed", exc_info=True)
        finally:
            self.loop.run_until_complete(_cancel(asyncio.all_tasks(self.loop)))
            self.loop.close()
            _slots.release()


async def _cancel(tasks) -> None:
    """Cancel what the NATS client leaves running (its heartbeat and flow-control watchers)."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def format_event(msg) -> str:
    """One SSE message: id = stream sequence, event = type, data = the payload on one line."""
    payload = json.loads(msg.data)
    return (
        f"id: {msg.metadata.sequence.stream}\n"
        f"event: {payload.get('type', 'message')}\n"
        f"data: {json.dumps(payload, separators=(',', ':'))}\n\n"
    )


@bp.get("/stream")
@endpoint(summary="The DAO's live events as Server-Sent Events, resumable with Last-Event-ID (can_read)",
          query=StreamQuerySchema, tags=["events"], responses={200: NotJson(
              "text/event-stream", "`text/event-stream`: `id` (stream sequence), `event` (the event type) and "
              "`data` (the event payload) per event, and a comment line as heartbeat")})
def stream_events(slug: str, query: dict):
    with transaction() as session:
        dao_access(session, slug, g.principal)
    start_after = _start_after(query)
    if not _slots.acquire(blocking=False):
        raise ServiceUnavailable(f"this server already streams to {MAX_STREAMS_PER_PROCESS} listeners; retry later")
    try:
        body = EventStream(slug, g.principal, start_after)
    except (nats.errors.Error, nats.js.errors.Error, OSError, asyncio.TimeoutError) as error:
        log.warning("event stream unavailable: %s", error)
        raise ServiceUnavailable("the event stream is unavailable; retry later") from error
    return Response(body, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


stream_events.openapi = {
    "parameters": [{
        "in": "header", "name": "Last-Event-ID", "required": False,
        "description": "the `id` of the last event received: the stream resumes after it",
        "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
    }],
}
