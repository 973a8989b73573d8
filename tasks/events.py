"""The NATS bridge (SPEC 6): publishes outbox rows in order with their audit-chain links
(issue 13, services.audit_chain) and records them published only once the stream acknowledged
them (and none after one that was not).

A batch is planned in a transaction of its own, committed before any of it is published (the
plan is the events, in order; their links are computed from it); once the acks are in, the
acknowledged events' links and published_at are written in one statement. A bridge that dies
after publishing and before recording finds the plan and publishes the same links again, which
the stream drops as repeats (Nats-Msg-Id). A message is the stored payload's text with the link
fields appended (governance.audit_chain.linked_text): never re-encoded (non-ASCII goes out as
UTF-8)."""

import logging
from itertools import takewhile

from sqlalchemy import func, select

from governance.audit_chain import linked_text
from infra.celery import celery_app
from infra.db import transaction
from infra.nats import Message, Publisher
from infra.redis import redis_client
from services.audit_chain import linked_unpublished, mark_published, planned_links, record_published
from services.outbox import BRIDGE_PENDING_KEY

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_BATCHES = 10
BRIDGE_LOCK = 0x60E7B1D6  # one bridge at a time keeps the per-DAO order


def publish_pending(batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES) -> int:
    """Publish up to max_batches batches of the backlog over one NATS connection; return how
    many rows were published."""
    with Publisher() as publisher:
        return _publish_batches(publisher, batch_size, max_batches)


def _publish_batches(publisher: Publisher, batch_size: int, max_batches: int) -> int:
    published = 0
    for _ in range(max_batches):
        with transaction() as session:
            if not _locked(session):
                return published  # another bridge is at work; it drains the backlog
            again = linked_unpublished(session, batch_size)
            batch = again or planned_links(session, batch_size)  # a new plan is committed here
        if not batch:
            return published
        with transaction() as session:
            if not _locked(session):
                return published
            acked = publisher.publish_batch(
                [Message(e.subject, str(e.id), linked_text(e.text, e.chain_seq, e.prev_hash, e.hash)) for e in batch]
            )
            # In order: nothing after an event the stream did not acknowledge is recorded.
            done = sum(1 for _ in takewhile(bool, acked))
            if again:
                mark_published(session, batch[:done])
            else:
                record_published(session, batch[:done], batch[done:])
        published += done
        if done < len(batch):
            return published  # the rest waits for the next run, in order
    return published


def _locked(session) -> bool:
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(BRIDGE_LOCK))))


# Nudged after each commit that wrote events, and swept by beat: no retry of its own.
@celery_app.task(name="governance.publish_events", autoretry_for=())
def publish_events() -> int:
    try:
        redis_client().delete(BRIDGE_PENDING_KEY)
        return publish_pending()
    except Exception:  # noqa: BLE001 - NATS or the database down: the beat sweep tries again
        log.warning("event bridge could not publish; the next sweep retries", exc_info=True)
        return 0
