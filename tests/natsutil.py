"""Reading what the bridge published: the payloads on a subject of the GOVERNANCE stream."""

from __future__ import annotations

import asyncio
import json
import time

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from infra.nats import STREAM


async def _fetch(nats_url: str, subject: str, count: int, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    nc = await nats.connect(nats_url, connect_timeout=2)
    try:
        js = nc.jetstream()
        payloads: list[dict] = []
        sub = None
        while len(payloads) < count and time.monotonic() < deadline:
            if sub is None:
                try:  # an ephemeral pull consumer from the start of the stream, this subject only
                    sub = await js.pull_subscribe(
                        subject, stream=STREAM,
                        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE),
                    )
                except NotFoundError:  # the bridge has not created the stream yet
                    await asyncio.sleep(0.1)
                    continue
            wait = max(0.05, min(1.0, deadline - time.monotonic()))
            try:
                messages = await sub.fetch(count - len(payloads), timeout=wait)
            except (asyncio.TimeoutError, nats.errors.TimeoutError):
                continue
            payloads.extend(json.loads(m.data) for m in messages)
        if sub is not None:
            await sub.unsubscribe()
        return payloads
    finally:
        await nc.close()


def fetch_events(nats_url: str, subject: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
    """Up to `count` decoded payloads published on `subject` (wildcards allowed), oldest first,
    waiting at most `timeout` seconds for them; fewer if they did not all come in time."""
    return asyncio.run(_fetch(nats_url, subject, count, timeout))
