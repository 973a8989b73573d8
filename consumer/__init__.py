"""The downstream reward consumer (SPEC 2, 5.4): a durable JetStream pull consumer on
`dao.*.vote_cast` that sends the `governance.reward_vote` task for each event (by name, through
services.jobs).

A message is acknowledged only once its task was handed to the broker; a message whose enqueue
failed is redelivered later (negative ack with a delay), so a broker outage delays rewards but
loses none. The reward task is idempotent (a unique index), so redeliveries and duplicate
events pay once. The consumer is durable: after a stop it resumes where it left off.
NATS going away ends the connection; the loop then reconnects with backoff. A fetch that finds
nothing within its timeout is the idle case, not an outage: nothing is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

import nats.errors
import nats.js.errors
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from infra.nats import STREAM, connect, ensure_stream
from services.jobs import send_task

log = logging.getLogger("consumer")

DURABLE = "governance-rewards"
FILTER_SUBJECT = "dao.*.vote_cast"
ACK_WAIT_SECONDS = 30
# Redelivery spacing after an unacknowledged delivery; the last step repeats up to MAX_DELIVER.
BACKOFF_SECONDS = [1, 2, 5, 10, 30, 60]
# With the last step repeating, about four hours of broker outage before a reward is given up.
MAX_DELIVER = 250
FETCH_BATCH = 64
FETCH_TIMEOUT_SECONDS = 1
RECONNECT_MAX_SECONDS = 10


def consumer_config() -> ConsumerConfig:
    return ConsumerConfig(
        durable_name=DURABLE,
        name=DURABLE,
        filter_subject=FILTER_SUBJECT,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT_SECONDS,
        max_deliver=MAX_DELIVER,
        backoff=BACKOFF_SECONDS,
        max_ack_pending=1000,
    )


@dataclass(frozen=True)
class VoteCast:
    event_id: str
    proposal_id: str
    voter_id: str


def parse_vote_cast(data: bytes) -> VoteCast:
    """The ids a reward needs from a `vote_cast` payload (SPEC 6); ValueError when malformed."""
    try:
        payload = json.loads(data)
        body = payload["data"]
        parsed = VoteCast(str(payload["id"]), str(body["proposal_id"]), str(body["voter"]))
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"not a vote_cast payload: {error}") from error
    if payload.get("type") != "vote_cast" or not all(vars(parsed).values()):
        raise ValueError("not a vote_cast payload")
    return parsed


def enqueue_reward(vote: VoteCast) -> None:
    """Hand the reward to the broker (blocking; raises when the broker is unreachable)."""
    send_task("governance.reward_vote", args=[vote.event_id, vote.proposal_id, vote.voter_id], retry=False)


def redelivery_delay(num_delivered: int) -> float:
    return BACKOFF_SECONDS[min(num_delivered, len(BACKOFF_SECONDS)) - 1]


async def handle(msg) -> bool:
    """Enqueue the reward of one message, then acknowledge it. When the broker cannot take it,
    ask NATS for it again later and return False."""
    delivered = msg.metadata.num_delivered
    try:
        vote = parse_vote_cast(msg.data)
    except ValueError as error:
        log.error("dropping malformed message on %s (stream seq %s): %s", msg.subject,
                  msg.metadata.sequence.stream, error)
        await msg.term()
        return True
    try:
        await asyncio.to_thread(enqueue_reward, vote)
    except Exception as error:  # noqa: BLE001 - the broker is down: NATS redelivers it later
        delay = redelivery_delay(delivered)
        if delivered >= MAX_DELIVER:
            log.error("reward of event %s (voter %s, proposal %s) LOST: not enqueued after %s deliveries: %s",
                      vote.event_id, vote.voter_id, vote.proposal_id, delivered, error)
        else:
            log.warning("could not enqueue the reward of event %s (delivery %s/%s), again in %ss: %s",
                        vote.event_id, delivered, MAX_DELIVER, delay, error)
        await msg.nak(delay=delay)
        return False
    await msg.ack()
    log.info("reward enqueued for event %s (voter %s, proposal %s)", vote.event_id, vote.voter_id,
             vote.proposal_id)
    return True


async def handle_batch(messages, stop: asyncio.Event) -> None:
    """Handle messages in order; after a failed enqueue the rest of the batch is handed back at
    once (the broker is down: trying each would hold them past their ack wait) and the
    consumer pauses before fetching again."""
    for index, msg in enumerate(messages):
        if await handle(msg):
            continue
        delay = redelivery_delay(msg.metadata.num_delivered)
        for rest in messages[index + 1:]:
            await rest.nak(delay=delay)
        try:
            await asyncio.wait_for(stop.wait(), delay)
        except asyncio.TimeoutError:
            pass
        return


async def next_batch(sub) -> list:
    """The next messages, or [] when none came within FETCH_TIMEOUT_SECONDS: an idle fetch, not
    an outage. nats-py says "nothing came" with nats.errors.TimeoutError (FetchTimeoutError), and
    in some of its branches (a reply that arrived just before the deadline) with a plain
    asyncio.TimeoutError, which both are; a connection that is really gone raises another error."""
    try:
        return await sub.fetch(FETCH_BATCH, timeout=FETCH_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        return []


async def subscribe(js):
    await ensure_stream(js)
    try:
        await js.add_consumer(STREAM, config=consumer_config())
    except nats.js.errors.BadRequestError as error:
        # An older configuration of the same durable: keep consuming with it.
        log.warning("consumer %s exists with another configuration: %s", DURABLE, error)
    return await js.pull_subscribe_bind(durable=DURABLE, stream=STREAM)


async def consume(stop: asyncio.Event) -> None:
    """Connect, consume until `stop` is set; reconnect with backoff whenever NATS goes away."""
    failures = 0
    while not stop.is_set():
        nc = None
        try:
            nc = await connect()
            sub = await subscribe(nc.jetstream())
            log.info("consumer ready: durable %s on %s", DURABLE, FILTER_SUBJECT)
            failures = 0
            while not stop.is_set():
                await handle_batch(await next_batch(sub), stop)
        except (nats.errors.Error, OSError, asyncio.TimeoutError) as error:
            failures += 1
            delay = min(RECONNECT_MAX_SECONDS, 0.5 * 2**failures)
            log.warning("NATS unavailable (%s: %s); reconnecting in %.1fs", type(error).__name__, error, delay)
            try:
                await asyncio.wait_for(stop.wait(), delay)
            except asyncio.TimeoutError:
                pass
        finally:
            if nc is not None and not nc.is_closed:
                try:
                    await nc.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    log.debug("closing the NATS connection failed", exc_info=True)
    log.info("consumer stopped")
