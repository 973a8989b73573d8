"""The NATS bridge (SPEC 6): publishes unpublished outbox rows in order, marks them published
only once the stream acknowledged them."""

import json
import logging

from sqlalchemy import func, select

from infra.nats import Message, publish_batch
from infra.redis import redis_client
from models import Event
from infra.db import transaction
from worker.app import celery_app

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


@celery_app.task(name="governance.publish_events", acks_late=True, ignore_result=True)
def publish_events() -> int:
    try:
        redis_client().delete("governance:bridge:pending")
        return publish_pending()
    except Exception:  # noqa: BLE001 - NATS or the database down: the beat sweep tries again
        log.warning("event bridge could not publish; the next sweep retries", exc_info=True)
        return 0
