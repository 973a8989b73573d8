"""The NATS bridge (SPEC 6): links outbox rows into their audit chains (issue 13,
services.audit_chain), then publishes them in order with their chain position and hash, and
marks them published only once the stream acknowledged them (and none after one that was not).

Each batch is linked in a transaction of its own, committed before any of it is published: a
bridge that dies after publishing and before marking publishes the same links again. A message
is the stored payload's text with the link fields appended (services.audit_chain.linked_text):
the payload is decoded once, to hash it, and never re-encoded (non-ASCII goes out as UTF-8)."""

import logging
from itertools import takewhile

from sqlalchemy import Text, cast, func, select, update

from infra.celery import celery_app
from infra.db import transaction
from infra.nats import Message, Publisher
from infra.redis import redis_client
from models import Event
from services.audit_chain import link_pending, linked_text
from services.outbox import BRIDGE_PENDING_KEY
from infra.db import among

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_BATCHES = 10
BRIDGE_LOCK = 0x60E7B1D6  # one bridge at a time keeps the per-DAO order
EVENTS = Event.__table__


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
            newly_linked = link_pending(session, batch_size)
        with transaction() as session:
            if not _locked(session):
                return published
            events = session.execute(
                select(EVENTS.c.id, EVENTS.c.subject, cast(EVENTS.c.payload, Text).label("text"), EVENTS.c.chain_seq,
                       EVENTS.c.prev_hash, EVENTS.c.hash)
                .where(EVENTS.c.published_at.is_(None), EVENTS.c.hash.is_not(None))
                .order_by(EVENTS.c.seq).limit(batch_size)
            ).all()
            if not events and not newly_linked:
                return published
            acked = publisher.publish_batch(
                [Message(e.subject, str(e.id), linked_text(e.text, e.chain_seq, e.prev_hash, e.hash)) for e in events]
            ) if events else []
            # In order: nothing after an event the stream did not acknowledge is marked.
            done = [e.id for e, _ in zip(events, takewhile(bool, acked))]
            if done:  # stamped once the acks are in, not when the batch's transaction began
                session.execute(  # Core, one array parameter: the same statement for every batch
                    update(EVENTS).where(among(EVENTS.c.id, done)).values(published_at=func.statement_timestamp())
                )
            published += len(done)
            if len(done) < len(events):
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
