"""The transactional outbox (SPEC 6): every state change appends its event row in the same
transaction; after that transaction commits, the NATS bridge task (`governance.publish_events`,
tasks/events.py) is nudged, by name through the jobs module."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import DateTime, Text, Uuid, bindparam, column, func, insert, select
from sqlalchemy.dialects.postgresql import JSONB

from governance.vocabulary import DAO_EVENT_TYPES, OTHER_EVENT_TYPES
from infra.clock import utc_text, utcnow
from infra.db import after_commit
from infra.redis import redis_client
from models import Event
from services.jobs import send_task

log = logging.getLogger(__name__)

# Set while a bridge run is pending (the bridge clears it when it starts): one nudge per burst.
BRIDGE_PENDING_KEY = "governance:bridge:pending"
# The nudged run starts this long after the commit, so that the commits of a trickle share one
# run: without it a run followed nearly every commit (a run costs ~20 ms even for one event; the
# fault suite's 1,000 rewards paid one by one caused 764 runs, as much worker time as the rewards).
BRIDGE_NUDGE_DELAY_SECONDS = 0.05


def nats_subject(event_type: str, dao_slug: str | None) -> str:
    if event_type in DAO_EVENT_TYPES:
        return f"dao.{dao_slug}.{event_type}"
    if event_type in OTHER_EVENT_TYPES:
        return event_type
    raise ValueError(f"unknown event type {event_type!r}")


def event_row(event_type: str, *, actor: str | None, data: dict[str, Any], dao=None) -> dict[str, Any]:
    """The `events` row (its column values) of one event."""
    event_id = uuid.uuid4()
    now = utcnow()
    dao_id = dao.id if dao is not None else None
    dao_slug = dao.slug if dao is not None else None
    payload = {
        "id": str(event_id),
        "type": event_type,
        "dao_id": str(dao_id) if dao_id else None,
        "dao_slug": dao_slug,
        "actor": actor,
        "ts": utc_text(now),
        "data": data,
    }
    return {
        "id": event_id, "dao_id": dao_id, "dao_slug": dao_slug, "type": event_type,
        "subject": nats_subject(event_type, dao_slug), "actor": actor, "payload": payload, "created_at": now,
    }


def record_event(session, event_type: str, *, actor: str | None, data: dict[str, Any], dao=None) -> Event:
    """Append one event (audit row and outbox row) to the session's transaction."""
    event = Event(**event_row(event_type, actor=actor, data=data, dao=dao))
    session.add(event)
    _nudge_after_commit(session)
    return event


_COLUMNS = {"id": Uuid, "dao_id": Uuid, "dao_slug": Text, "type": Text, "subject": Text, "actor": Text,
            "payload": JSONB, "created_at": DateTime(timezone=True)}
_GIVEN = func.jsonb_to_recordset(bindparam("rows", type_=JSONB)).table_valued(
    *(column(name, kind) for name, kind in _COLUMNS.items())
).render_derived(name="given", with_types=True)
_INSERT_MANY = insert(Event.__table__).from_select(list(_COLUMNS), select(*_GIVEN.c))


def record_events(session, rows: list[dict[str, Any]]) -> None:
    """Append many events (`event_row`s) in ONE statement, `INSERT INTO events ... SELECT FROM
    jsonb_to_recordset(<the rows as one JSON array>)`, in the order given: their `seq` follows
    it (a function scan yields the array in order), after every event the session already holds
    (flushed first). One parameter, so the statement's text is the same for every batch."""
    if not rows:
        return
    session.flush()
    given = [{**row, "id": str(row["id"]), "dao_id": row["dao_id"] and str(row["dao_id"]),
              "created_at": row["created_at"].isoformat()} for row in rows]
    session.execute(_INSERT_MANY, {"rows": given})
    _nudge_after_commit(session)


def _nudge_after_commit(session) -> None:
    # One nudge per transaction, however many events it writes (a vote batch writes hundreds).
    transaction = session.get_nested_transaction() or session.get_transaction()
    if session.info.get("bridge_nudged") is not transaction:
        session.info["bridge_nudged"] = transaction
        after_commit(session, kick_bridge)


def kick_bridge() -> None:
    """Enqueue one bridge run unless one is already pending (a Redis flag debounces the burst)."""
    try:
        if redis_client().set(BRIDGE_PENDING_KEY, "1", nx=True, ex=5):
            send_task("governance.publish_events", countdown=BRIDGE_NUDGE_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - the beat sweep publishes the row anyway
        log.warning("could not nudge the event bridge; the beat sweep will publish", exc_info=True)
