"""The NATS bridge (SPEC 6): publishes unpublished outbox rows in order, marks them published
only once the stream acknowledged them."""

import json
import logging

from sqlalchemy import func, select

from infra.celery import celery_app
from infra.db import transaction
from infra.nats import Message, publish_batch
from infra.redis import redis_client
from models import Event
from services.outbox import BRIDGE_PENDING_KEY

log = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES = 40
BRIDGE_LOCK = 0x60E7B1D6  # one bridge at a time keeps the per-DAO order


def publish_pending(batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES) -> int:
    """Publish up to max_batches batches of the backlog; return how many rows were published."""
    published = 0
    for _ in range(max_batches):
        with transaction() as session:
            if not session.scalar(select(func.pg_try_advisory_xact_lock(BRIDGE_LOCK))):
                return published  # another bridge is at work; it drains the backlog
            events = session.scalars(
                select(Event).where(Event.published_at.is_(None)).order_by(Event.seq).limit(batch_size)
            ).all()
            if not events:
                return published
            acked = publish_batch(
                [Message(e.subject, str(e.id), json.dumps(e.payload).encode()) for e in events]
            )
            for event, ok in zip(events, acked):
                if ok:
                    event.published_at = func.now()
            published += sum(acked)
            if not all(acked):
                return published  # the rest waits for the next run, in order
    return published


# Nudged after each commit that wrote events, and swept by beat: no retry of its own.
@celery_app.task(name="governance.publish_events", autoretry_for=())
def publish_events() -> int:
    try:
        redis_client().delete(BRIDGE_PENDING_KEY)
        return publish_pending()
    except Exception:  # noqa: BLE001 - NATS or the database down: the beat sweep tries again
        log.warning("event bridge could not publish; the next sweep retries", exc_info=True)
        return 0
