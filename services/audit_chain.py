"""The hash-chained audit trail in the database (issue 13; the rule is governance.audit_chain).

The publishing bridge (tasks/events.py) links events after the fact, under its advisory lock, so
the vote path and every other writer pay nothing for the chain: `link_pending` takes the oldest
unlinked rows (by `seq`), reads each chain's head from the rows already linked, and writes
chain, chain_seq, prev_hash and hash. The hash covers the payload as stored (the JSONB read
back), which is also what the exports and the NATS message carry, so an export verifies
against exactly the bytes the database holds.

Rows are linked only while no linked row waits to be published: the rows linked and not yet
published then always come from one `link_pending` call, within which a chain's order is the
`seq` order the bridge publishes in, so NATS carries every chain in chain order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import BigInteger, Text, Uuid, bindparam, exists, func, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY

from governance.audit_chain import GENESIS, chain_of, link_event
from models import Event

LINK_BATCH = 2000


def linked_payload(payload: Mapping, chain_seq: int, prev_hash: str, hash_: str) -> dict:
    """The event as its chain holds it: the stored payload plus seq (its chain position),
    prev_hash and hash (FORMATS: audit export). What NATS, the audit export and the verifier see."""
    return {**payload, "seq": chain_seq, "prev_hash": prev_hash, "hash": hash_}


def linked_text(payload_text: str, chain_seq: int, prev_hash: str, hash_: str) -> bytes:
    """`linked_payload` as JSON bytes, written from the stored payload's text (`payload::text`)
    without decoding it: the link fields are appended to the object (the bridge publishes this).
    A payload never holds them (services.outbox writes it); if one did, a JSON reader keeps the
    last of duplicate keys, as `linked_payload` does."""
    if not payload_text.endswith("}"):
        raise ValueError("an event payload must be a JSON object")
    links = f'"seq": {int(chain_seq)}, "prev_hash": "{prev_hash}", "hash": "{hash_}"}}'
    body = payload_text[:-1].rstrip()
    return f"{body}{', ' if body != '{' else ''}{links}".encode()


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


def link_pending(session, limit: int = LINK_BATCH) -> int:
    """Link up to `limit` unlinked events, oldest `seq` first, each after its chain's head; the
    number linked (0 while linked rows still wait to be published). The caller holds the bridge
    lock and commits before publishing them.

    Raises ValueError for a payload JCS cannot represent (the API refuses such values where
    free-form JSON enters: action_payload)."""
    waiting = exists().where(Event.published_at.is_(None), Event.hash.is_not(None))
    if session.scalar(select(waiting)):
        return 0
    events = Event.__table__  # Core: no ORM row processing for a batch of thousands
    rows = session.execute(
        select(events.c.id, events.c.payload).where(events.c.hash.is_(None)).order_by(events.c.seq).limit(limit)
    ).all()
    if not rows:
        return 0
    chains = [chain_of(row.payload) for row in rows]
    heads = chain_heads(session, chains)
    links: dict[str, list] = {"id": [], "chain": [], "chain_seq": [], "prev_hash": [], "hash": []}
    for row, chain in zip(rows, chains):
        seq, prev = heads.get(chain, (0, GENESIS))
        try:
            digest = link_event(row.payload, seq + 1, prev)["hash"]
        except ValueError as error:
            raise ValueError(f"event {row.id} cannot be linked into {chain}: {error}") from error
        heads[chain] = (seq + 1, digest)
        for name, value in zip(links, (row.id, chain, seq + 1, prev, digest)):
            links[name].append(value)
    _write_links(session, links)
    return len(rows)


def _write_links(session, links: dict[str, list]) -> None:
    """One UPDATE ... FROM unnest(...) for the whole batch (an executemany would be a statement
    per row)."""
    types = {"id": Uuid(), "chain": Text(), "chain_seq": BigInteger(), "prev_hash": Text(), "hash": Text()}
    values = func.unnest(*(bindparam(name, column, type_=ARRAY(types[name])) for name, column in links.items()))
    given = values.table_valued(*links).render_derived()
    events = Event.__table__
    session.execute(
        update(events).where(events.c.id == given.c.id).values(
            chain=given.c.chain, chain_seq=given.c.chain_seq, prev_hash=given.c.prev_hash, hash=given.c.hash,
        )
    )


def chain_page(chain: str):
    """The statement selecting a chain's linked events (to page by chain_seq)."""
    return select(Event).where(Event.chain == chain)
