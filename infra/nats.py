"""The NATS connection: the GOVERNANCE stream and batch publishing with acknowledgements."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import threading
from dataclasses import dataclass

import nats
from nats.js.api import StreamConfig

from infra.config import get_settings

log = logging.getLogger(__name__)

STREAM = "GOVERNANCE"
STREAM_SUBJECTS = ["dao.>", "timebank.>", "dispute.>", "moderation.>"]


@dataclass(frozen=True)
class Message:
    subject: str
    msg_id: str
    data: bytes


async def connect(url: str | None = None, **options):
    return await nats.connect(
        url or get_settings().nats_url, connect_timeout=2, max_reconnect_attempts=2, allow_reconnect=False, **options
    )


async def ensure_stream(js) -> None:
    """Create the GOVERNANCE stream, or bring its subjects up to date."""
    config = StreamConfig(name=STREAM, subjects=STREAM_SUBJECTS)
    try:
        await js.add_stream(config)
    except nats.js.errors.BadRequestError:
        await js.update_stream(config)


# Messages in flight at once: a longer batch goes out in waves of this many, each wave's acks
# awaited together.
MAX_IN_FLIGHT = 4000
ACK_TIMEOUT_SECONDS = 5


class Publisher:
    """Publishes batches to JetStream over one connection, opened (and the stream checked) on
    the first batch and closed by close() or at the end of a `with` block:

        with Publisher() as publisher:
            acked = publisher.publish_batch(messages)    # as often as needed
            sending = publisher.start_batch(messages)    # or: published meanwhile ...
            acked = sending.result()                     # ... its acks awaited later

    The connection lives on an event loop of its own thread, so a batch is published and its
    acks taken while the caller does other work (the bridge plans and records meanwhile).
    Batches go out one after the other, in the order they were started. A connection that went
    away is replaced at the next batch; `shared_publisher()` is the process's one, never closed.

    A wave is published as JetStream's asynchronous publish does it, with less per message: each
    message is a core NATS publish with Nats-Msg-Id and a reply subject `<wave inbox>.<index>`,
    in order on the one connection (so the stream stores them in that order); one subscription
    to `<wave inbox>.*` takes the stream's acks, each marking its index. No future, token or
    JSON decode per message (nats-py's publish_async costs about twice as much)."""

    def __init__(self, url: str | None = None):
        self._url = url
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._nc = None
        self._order: asyncio.Lock | None = None
        self._started: list[concurrent.futures.Future] = []

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def publish_batch(self, messages: list[Message]) -> list[bool]:
        """True for each message the stream acknowledged (within ACK_TIMEOUT_SECONDS), with
        Nats-Msg-Id = its msg_id; a connection failure raises."""
        return self.start_batch(messages).result()

    def start_batch(self, messages: list[Message]) -> concurrent.futures.Future:
        """Start publishing a batch after those already started; the future's result is
        publish_batch's answer (or its error)."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="nats-publisher", daemon=True)
            self._thread.start()
        self._started = [f for f in self._started if not f.done()]
        future = asyncio.run_coroutine_threadsafe(self._in_turn(messages), self._loop)
        self._started.append(future)
        return future

    async def _in_turn(self, messages: list[Message]) -> list[bool]:
        if self._order is None:
            self._order = asyncio.Lock()  # made on the loop's thread; taken in the order started
        async with self._order:
            return await self._publish(messages) if messages else []

    @property
    def connection(self):
        """The NATS client of the current connection, or None before the first batch."""
        return self._nc

    def settle(self) -> None:
        """Wait until every batch started has finished (its caller gets its answer or error)."""
        for future in self._started:
            with contextlib.suppress(Exception):
                future.result()
        self._started = [f for f in self._started if not f.done()]

    async def _publish(self, messages: list[Message]) -> list[bool]:
        if self._nc is None or not self._nc.is_connected:  # the first batch, or the server went away
            if self._nc is not None:
                with contextlib.suppress(Exception):
                    await self._nc.close()
                self._nc = None
            nc = await connect(self._url)
            await ensure_stream(nc.jetstream())
            self._nc = nc
        acked: list[bool] = []
        for start in range(0, len(messages), MAX_IN_FLIGHT):
            acked += await self._wave(messages[start:start + MAX_IN_FLIGHT])
            if not all(acked):
                break
        return acked + [False] * (len(messages) - len(acked))

    async def _wave(self, messages: list[Message]) -> list[bool]:
        nc, inbox = self._nc, self._nc.new_inbox()
        # Per message: None until the stream answers, then True (stored, or a duplicate of a stored
        # one) or what it answered instead (a status header, 503 when no stream has the subject;
        # an API error).
        answers: list = [None] * len(messages)
        waiting, all_in, skip = [len(messages)], asyncio.Event(), len(inbox) + 1

        async def on_ack(msg) -> None:
            index = int(msg.subject[skip:])
            if answers[index] is None:
                refused = msg.headers or b'"error"' in msg.data
                answers[index] = (msg.headers or msg.data) if refused else True
                waiting[0] -= 1
                if not waiting[0]:
                    all_in.set()

        sub = await nc.subscribe(inbox + ".*", cb=on_ack)
        sent = 0
        try:
            for m in messages:
                await nc.publish(m.subject, m.data, reply=f"{inbox}.{sent}", headers={"Nats-Msg-Id": m.msg_id})
                sent += 1
        except Exception as error:  # noqa: BLE001 - e.g. disconnected: the rest is not sent
            log.warning("publishing stopped after %d of %d events: %r", sent, len(messages), error)
        waiting[0] -= len(messages) - sent
        try:
            if waiting[0] > 0:
                await asyncio.wait_for(all_in.wait(), ACK_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            pass
        finally:
            with contextlib.suppress(nats.errors.Error):  # closed: the acks already in still count
                await sub.unsubscribe()  # a late ack finds no one waiting
        acked = [answer is True for answer in answers]
        failed = [i for i in range(sent) if not acked[i]]
        if failed:
            reason = answers[failed[0]] or f"no ack within {ACK_TIMEOUT_SECONDS} s"
            log.warning("%d of %d events not acknowledged; the first, %s: %r", len(failed), len(messages),
                        messages[failed[0]].msg_id, reason)
        return acked

    def close(self) -> None:
        """Wait for the batches started (their acks are what the caller records), then close the
        connection and stop the loop's thread."""
        if self._loop is None:
            return
        try:
            self.settle()
            if self._nc is not None:
                asyncio.run_coroutine_threadsafe(self._nc.close(), self._loop).result()
        finally:
            self._nc, self._started = None, []
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
            self._loop = self._thread = None


_shared: dict[tuple[int, str], Publisher] = {}
_shared_lock = threading.Lock()


def shared_publisher() -> Publisher:
    """This process's Publisher to the configured NATS server, kept open between uses: the bridge
    runs after nearly every commit, and a connection with its stream check cost ~10 ms a run. A
    connection that went away is replaced at the next batch; a forked process makes its own."""
    key = (os.getpid(), get_settings().nats_url)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Publisher(key[1])
        return _shared[key]


def publish_batch(messages: list[Message]) -> list[bool]:
    """Publish one batch on a connection of its own (see Publisher); True for each message the
    stream acknowledged."""
    with Publisher() as publisher:
        return publisher.publish_batch(messages)


async def _ping() -> None:
    nc = await connect()
    try:
        await nc.jetstream().account_info()
    finally:
        await nc.close()


def ping() -> None:
    """Raise unless NATS with JetStream answers."""
    asyncio.run(_ping())
