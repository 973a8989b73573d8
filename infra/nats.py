"""The NATS connection: the GOVERNANCE stream and batch publishing with acknowledgements."""

from __future__ import annotations

import asyncio
import logging
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
# awaited together (so the client's own in-flight limit never blocks a send).
MAX_IN_FLIGHT = 4000
ACK_TIMEOUT_SECONDS = 5


class Publisher:
    """Publishes batches to JetStream over one connection, opened (and the stream checked) on
    the first batch and closed by close() or at the end of a `with` block:

        with Publisher() as publisher:
            acked = publisher.publish_batch(messages)    # as often as needed

    Messages go out with JetStream's asynchronous publish, in order on the one connection, so
    the stream stores them in that order; their acks are awaited together."""

    def __init__(self, url: str | None = None):
        self._url = url
        self._runner = asyncio.Runner()
        self._nc = None
        self._js = None

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def publish_batch(self, messages: list[Message]) -> list[bool]:
        """True for each message the stream acknowledged (within ACK_TIMEOUT_SECONDS), with
        Nats-Msg-Id = its msg_id; a connection failure raises."""
        if not messages:
            return []
        return self._runner.run(self._publish(messages))

    async def _publish(self, messages: list[Message]) -> list[bool]:
        if self._js is None:
            self._nc = await connect(self._url)
            js = self._nc.jetstream(publish_async_max_pending=MAX_IN_FLIGHT)
            await ensure_stream(js)
            self._js = js
        acked: list[bool] = []
        for start in range(0, len(messages), MAX_IN_FLIGHT):
            acked += await self._wave(messages[start:start + MAX_IN_FLIGHT])
            if not all(acked):
                break
        return acked + [False] * (len(messages) - len(acked))

    async def _wave(self, messages: list[Message]) -> list[bool]:
        # No wait_stall: with it every send would wait on a timer task, yielding to the loop,
        # and nats-py's flusher would write each message in a syscall of its own.
        futures = []
        try:
            for m in messages:
                futures.append(await self._js.publish_async(m.subject, m.data, headers={"Nats-Msg-Id": m.msg_id}))
        except Exception as error:  # noqa: BLE001 - e.g. disconnected: the rest is not sent
            log.warning("publishing stopped after %d of %d events: %r", len(futures), len(messages), error)
        if futures:
            await asyncio.wait(futures, timeout=ACK_TIMEOUT_SECONDS)
        acked = [f.done() and not f.cancelled() and f.exception() is None for f in futures]
        failed = [(m, f) for m, f, ok in zip(messages, futures, acked) if not ok]
        if failed:
            message, future = failed[0]
            reason = repr(future.exception()) if future.done() else f"no ack within {ACK_TIMEOUT_SECONDS} s"
            log.warning("%d of %d events not acknowledged; the first, %s: %s", len(failed), len(messages),
                        message.msg_id, reason)
        for _, future in failed:
            future.cancel()  # frees its in-flight slot; a late ack finds no one waiting
        return acked + [False] * (len(messages) - len(futures))

    def close(self) -> None:
        try:
            if self._nc is not None:
                self._runner.run(self._nc.close())
        finally:
            self._nc = self._js = None
            self._runner.close()


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
