"""The NATS bridge (SPEC 6): publishes outbox rows in order with their audit-chain links
(issue 13, services.audit_chain) and records them published only once the stream acknowledged
them (and none after one that was not).

One bridge runs at a time: a run holds BRIDGE_LOCK (a session-level advisory lock, on a
connection of its own outside any transaction) from its first statement to its last. A batch
is planned in a transaction of its own, committed before any of it is published (the plan is
the events, in order; their links are computed from it); once the acks are in, the acknowledged
events' links and published_at are written in one statement. The next batch is planned while
the stream stores the current one, and published while the current one is recorded, but only
once the current one is acknowledged in full. A bridge that dies after publishing and before
recording finds the plan and publishes the same links again, which the stream drops as repeats
(Nats-Msg-Id). A message is the stored payload's text with the link fields appended
(governance.audit_chain.linked_text): never re-encoded (non-ASCII goes out as UTF-8)."""

import logging
from itertools import takewhile

from governance.audit_chain import linked_text
from infra.celery import celery_app
from infra.db import session_advisory_lock, transaction
from infra.nats import Message, Publisher, shared_publisher
from infra.redis import redis_client
from services.audit_chain import (
    Link,
    linked_unpublished,
    mark_published,
    planned_after,
    planned_links,
    record_published,
)
from services.outbox import BRIDGE_PENDING_KEY

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_BATCHES = 10
BRIDGE_LOCK = 0x60E7B1D6  # one bridge at a time keeps the per-DAO order


def publish_pending(batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES) -> int:
    """Publish up to max_batches batches of the backlog over the process's NATS connection
    (infra.nats.shared_publisher); return how many rows were published (0 when another bridge is
    at work: it drains the backlog)."""
    with bridge_lock() as locked:
        if not locked:
            return 0
        publisher = shared_publisher()  # the process's connection, kept between runs
        try:
            replayed, complete = _publish_replays(publisher, batch_size)
            return replayed + (_publish_plans(publisher, batch_size, max_batches) if complete else 0)
        finally:
            publisher.settle()  # nothing of this run still going out once the lock is let go


def bridge_lock():
    """Try BRIDGE_LOCK for a whole bridge run (infra.db.session_advisory_lock); yields whether it
    was taken."""
    return session_advisory_lock(BRIDGE_LOCK, wait=False)


def _publish_replays(publisher: Publisher, batch_size: int) -> tuple[int, bool]:
    """Events linked and not published (services.audit_chain.linked_unpublished), before any
    plan: published again batch by batch. The count published, and whether all of them were
    (else the run stops there, in order)."""
    published = 0
    while True:
        with transaction() as session:
            batch = linked_unpublished(session, batch_size)
        if not batch:
            return published, True
        done = _acknowledged(publisher.publish_batch(_messages(batch)))
        with transaction() as session:
            mark_published(session, batch[:done])
        published += done
        if done < len(batch):
            return published, False


def _publish_plans(publisher: Publisher, batch_size: int, max_batches: int) -> int:
    """Up to max_batches batches of the plan, two at a time: while batch N is published the
    bridge plans N+1 (saved after N), and publishes N+1 while it records N, once N is
    acknowledged in full. When no batch follows, a new plan is made (it also takes an event
    committed late with a lower seq), until none is left."""
    published, turns, batch, sending = 0, 0, [], None
    while turns < max_batches:
        if not batch:
            with transaction() as session:
                batch = planned_links(session, batch_size)  # the saved plan, or a new one committed here
            if not batch:
                return published
            sending = publisher.start_batch(_messages(batch))
        turns += 1
        following = []
        if turns < max_batches:
            with transaction() as session:
                following = planned_after(session, batch, batch_size)  # saved before any of it is sent
        done = _acknowledged(sending.result())
        if done == len(batch) and following:
            sending = publisher.start_batch(_messages(following))  # in order: all of `batch` is stored
        with transaction() as session:
            record_published(session, batch[:done])
        published += done
        if done < len(batch):
            return published  # the rest of the plan waits for the next run, in order
        batch = following
    return published


def _messages(batch: list[Link]) -> list[Message]:
    return [Message(e.subject, str(e.id), linked_text(e.text, e.chain_seq, e.prev_hash, e.hash)) for e in batch]


def _acknowledged(acked: list[bool]) -> int:
    """How many of a batch's first messages the stream acknowledged, in order: nothing after an
    event it did not acknowledge is recorded."""
    return sum(1 for _ in takewhile(bool, acked))


# Nudged after each commit that wrote events, and swept by beat: no retry of its own.
@celery_app.task(name="governance.publish_events", autoretry_for=())
def publish_events() -> int:
    try:
        redis_client().delete(BRIDGE_PENDING_KEY)
        return publish_pending()
    except Exception:  # noqa: BLE001 - NATS or the database down: the beat sweep tries again
        log.warning("event bridge could not publish; the next sweep retries", exc_info=True)
        return 0
