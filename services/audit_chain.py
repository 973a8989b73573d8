"""The hash-chained audit trail in the database (issue 13; the rule is governance.audit_chain).

The publishing bridge (tasks/events.py) links events after the fact, under its advisory lock, so
the vote path and every other writer pay nothing for the chain. It plans a batch of the oldest
unlinked rows (by `seq`; the plan, models.BridgePlan, is saved), links them in memory after
each chain's head (read from the rows already linked), publishes them, and then writes chain,
chain_seq, prev_hash, hash and published_at of those the stream acknowledged in one statement:
one row version per event. The hash covers the payload as stored (its text read back), which is
also what the exports and the NATS message carry, so an export verifies against exactly the
bytes the database holds.

A chain's order is the plan's order, which is also the order it is published in. The plan may
hold two batches: the one being published and the next (`planned_after`, linked after it in
memory and saved before any of it is published, which happens only once the first is
acknowledged in full), so NATS carries every chain in chain order, and a bridge that dies with
both published links both again as it published them.
Rows linked and not published (`linked_unpublished`: set so by hand, or left by a bridge before
0009_bridge_plan) are published again before any new plan.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import orjson
from sqlalchemy import Text, bindparam, cast, delete, func, select, text, true, update
from sqlalchemy.dialects.postgresql import ARRAY

from governance.audit_chain import GENESIS, chain_of, text_hash
from infra.db import among
from models import BridgePlan, Event

LINK_BATCH = 2000


def linked_payload(payload: Mapping, chain_seq: int, prev_hash: str, hash_: str) -> dict:
    """The event as its chain holds it: the stored payload plus seq (its chain position),
    prev_hash and hash (FORMATS: audit export). What NATS, the audit export and the verifier see."""
    return {**payload, "seq": chain_seq, "prev_hash": prev_hash, "hash": hash_}


def linked(event: Event) -> dict:
    """`linked_payload` of a linked row."""
    return linked_payload(event.payload, event.chain_seq, event.prev_hash, event.hash)


def chain_heads(session, chains: Iterable[str]) -> dict[str, tuple[int, str]]:
    """chain -> (seq, hash) of its last linked event, for the chains among `chains` that have
    one; one index lookup per chain (the unique index on chain, chain_seq)."""
    names = list(set(chains))
    if not names:
        return {}
    wanted = func.unnest(bindparam("chains", names, type_=ARRAY(Text))).table_valued("chain").render_derived()
    head = (
        select(Event.chain_seq, Event.hash)
        .where(Event.chain == wanted.c.chain)
        .order_by(Event.chain_seq.desc())
        .limit(1)
        .lateral()
    )
    heads = select(wanted.c.chain, head.c.chain_seq, head.c.hash).join(head, true())
    return {chain: (seq, hash_) for chain, seq, hash_ in session.execute(heads)}


def dao_chain(dao_id) -> str:
    """The name of a DAO's chain."""
    return chain_of({"dao_id": str(dao_id)})


@dataclass(frozen=True)
class Link:
    """One event of a bridge batch with its links: what the bridge publishes and then records."""

    id: uuid.UUID
    seq: int  # its outbox order
    subject: str
    text: str  # the payload as stored (payload::text)
    chain: str
    chain_seq: int
    prev_hash: str
    hash: str


_EVENTS = Event.__table__  # Core: no ORM row processing for a batch of thousands
_PLAN = BridgePlan.__table__
_ROW = (_EVENTS.c.id, _EVENTS.c.seq, _EVENTS.c.subject, cast(_EVENTS.c.payload, Text).label("text"))


def linked_unpublished(session, limit: int) -> list[Link]:
    """Up to `limit` events linked and not published, oldest `seq` first: those of a plan the
    stream acknowledged only in part before this design (0009_bridge_plan), or set unpublished
    by hand to publish them again. They go out before any new plan (their chains' earlier
    positions first)."""
    rows = session.execute(
        select(*_ROW, _EVENTS.c.chain, _EVENTS.c.chain_seq, _EVENTS.c.prev_hash, _EVENTS.c.hash)
        .where(_EVENTS.c.published_at.is_(None), _EVENTS.c.hash.is_not(None))
        .order_by(_EVENTS.c.seq).limit(limit)
    ).all()
    return [Link(*row) for row in rows]


# The saved plan's events still unlinked, in its order.
_PLANNED = text("""
    SELECT e.id, e.seq, e.subject, e.payload::text AS text, e.payload->>'dao_id' AS dao_id
    FROM bridge_plan, unnest(bridge_plan.event_ids) WITH ORDINALITY AS p(id, n)
    JOIN events e ON e.id = p.id WHERE e.hash IS NULL ORDER BY p.n""")
# A new plan of the oldest unlinked events, saved by the same statement (no ids sent back). The
# oldest are picked by id and seq alone, the payloads read for those only: a plan that sorted
# whole rows (taken where the table's statistics are stale, e.g. just after a burst of inserts)
# cast every unlinked payload to text and sorted it on disk, ~120 us an event (bench/README.md).
_NEW_PLAN = text("""
    WITH picked AS (SELECT id, seq FROM events WHERE hash IS NULL ORDER BY seq LIMIT :limit),
         saved AS (INSERT INTO bridge_plan (id, event_ids)
                   SELECT 1, array_agg(id ORDER BY seq) FROM picked HAVING count(*) > 0)
    SELECT e.id, e.seq, e.subject, e.payload::text AS text, e.payload->>'dao_id' AS dao_id
    FROM picked JOIN events e ON e.id = picked.id ORDER BY picked.seq""")


# The plan extended by the oldest unlinked events after its last (`:after`, the greatest seq it
# holds): a range of the unlinked index, however long the backlog.
_MORE = text("""
    WITH picked AS (SELECT id, seq FROM events
                    WHERE hash IS NULL AND seq > :after AND EXISTS (SELECT FROM bridge_plan)  -- only ever after a plan
                    ORDER BY seq LIMIT :limit),
         saved AS (UPDATE bridge_plan SET event_ids = event_ids || (SELECT array_agg(id ORDER BY seq) FROM picked)
                   WHERE EXISTS (SELECT FROM picked))
    SELECT e.id, e.seq, e.subject, e.payload::text AS text, e.payload->>'dao_id' AS dao_id
    FROM picked JOIN events e ON e.id = picked.id ORDER BY picked.seq""")


def planned_links(session, limit: int = LINK_BATCH) -> list[Link]:
    """The bridge's plan, linked: the events of the saved plan in its order, or else a new plan of
    up to `limit` unlinked events, oldest `seq` first (saved in this transaction), each linked
    after its chain's head. Nothing is written to the events: `record_published` writes the
    links the stream acknowledged. The links depend only on the plan and the chains' heads,
    which only `record_published` moves, so a plan linked again gives the same links.

    Raises ValueError for a payload JCS cannot represent (the API refuses such values where
    free-form JSON enters: action_payload)."""
    rows = session.execute(_PLANNED).all()
    if not rows:  # no plan, or one already recorded in full (by a bridge that raced this one)
        session.execute(delete(_PLAN))
        rows = session.execute(_NEW_PLAN, {"limit": limit}).all()
    return _linked(session, rows, {})


def planned_after(session, planned: list[Link], limit: int = LINK_BATCH) -> list[Link]:
    """The next batch, planned while `planned` (the saved plan's events, linked) is published:
    up to `limit` unlinked events after the last of `planned` by `seq`, oldest first, added to
    the saved plan in this transaction and linked after `planned` (each chain's head is its last
    link there, else its recorded head). `planned_links` links the whole plan again the same way.
    An event committed late with a lower seq is left to the next new plan (`planned_links`)."""
    after = max(link.seq for link in planned)
    rows = session.execute(_MORE, {"after": after, "limit": limit}).all()
    return _linked(session, rows, {link.chain: (link.chain_seq, link.hash) for link in planned})


def _linked(session, rows, heads: dict[str, tuple[int, str]]) -> list[Link]:
    """`rows` (id, seq, subject, text, dao_id) linked in order after `heads`, completed from the
    recorded chain heads; raises ValueError as planned_links says."""
    chains = [chain_of(row._mapping) for row in rows]
    heads = chain_heads(session, set(chains) - heads.keys()) | heads
    links = []
    for row, chain in zip(rows, chains):
        seq, prev = heads.get(chain, (0, GENESIS))
        try:
            digest = text_hash(row.text, seq + 1, prev)
        except ValueError as error:
            raise ValueError(f"event {row.id} cannot be linked into {chain}: {error}") from error
        heads[chain] = (seq + 1, digest)
        links.append(Link(row.id, row.seq, row.subject, row.text, chain, seq + 1, prev, digest))
    return links


def mark_published(session, links: list[Link]) -> None:
    """Stamp `published_at` on linked events the stream acknowledged (`linked_unpublished`'s)."""
    if links:  # Core, one array parameter: the same statement for every batch
        session.execute(
            update(_EVENTS).where(among(_EVENTS.c.id, [link.id for link in links]))
            .values(published_at=func.statement_timestamp())  # once the acks are in
        )


# One statement for the whole batch, its links one JSON parameter (written by orjson: psycopg
# would dump five arrays element by element).
_RECORD = text("""
    UPDATE events e SET chain = l.chain, chain_seq = l.chain_seq, prev_hash = l.prev_hash, hash = l.hash,
                        published_at = statement_timestamp()
    FROM jsonb_to_recordset(CAST(:links AS jsonb))
         AS l(id uuid, chain text, chain_seq bigint, prev_hash text, hash text)
    WHERE e.id = l.id""")


def record_published(session, published: list[Link]) -> None:
    """Record the plan's first events, acknowledged by the stream: their links and `published_at`
    in ONE statement, `published_at` once the acks are in; the plan keeps the rest of its events
    (deleted when none is left)."""
    if not published:
        return
    given = orjson.dumps([
        {"id": str(link.id), "chain": link.chain, "chain_seq": link.chain_seq, "prev_hash": link.prev_hash,
         "hash": link.hash} for link in published
    ]).decode()
    session.execute(_RECORD, {"links": given})
    session.execute(text("UPDATE bridge_plan SET event_ids = event_ids[(:done + 1):]"), {"done": len(published)})
    session.execute(text("DELETE FROM bridge_plan WHERE cardinality(event_ids) = 0"))


def chain_page(chain: str):
    """The statement selecting a chain's linked events (to page by chain_seq)."""
    return select(Event).where(Event.chain == chain)
