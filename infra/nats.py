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


async def _publish_all(messages: list[Message]) -> list[bool]:
    nc = await connect()
    try:
        js = nc.jetstream()
        await ensure_stream(js)
        # Sent in order on one connection, awaited together: order kept, one round trip.
        results = await asyncio.gather(
            *(js.publish(m.subject, m.data, headers={"Nats-Msg-Id": m.msg_id}, timeout=5) for m in messages),
            return_exceptions=True,
        )
        acked = []
        for message, result in zip(messages, results):
            if isinstance(result, Exception):
                log.warning("event %s not acknowledged: %s", message.msg_id, result)
            acked.append(not isinstance(result, Exception))
        return acked
    finally:
        await nc.close()


def publish_batch(messages: list[Message]) -> list[bool]:
    """Publish to JetStream with Nats-Msg-Id; True for each message the stream acknowledged."""
    if not messages:
        return []
    return asyncio.run(_publish_all(messages))


async def _ping() -> None:
    nc = await connect()
    try:
        await nc.jetstream().account_info()
    finally:
        await nc.close()


def ping() -> None:
    """Raise unless NATS with JetStream answers."""
    asyncio.run(_ping())
