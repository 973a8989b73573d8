"""The hash-chained audit trail (issue 13): one chain per DAO, one for events outside any DAO.

An event is the SPEC 6 payload {"id", "type", "dao_id", "dao_slug", "actor", "ts", "data"}.
Linked into its chain it also carries
    "seq":       its position in the chain, 1 for the first event, then +1 with no gap;
    "prev_hash": the hash of the event before it (GENESIS, 64 zeros, for seq 1);
    "hash":      SHA-256( canonical_json(event without "hash" and "prev_hash") || prev )
                 where canonical_json is RFC 8785 (JCS) and `prev` is the 32 raw bytes that
                 prev_hash spells in hex. So "seq" is covered; hashes are lowercase hex.
Any other field of the payload is covered as it is. Changing, removing, inserting or reordering
an event changes its hash, and every later one through prev_hash.

The chain of an event is "dao:<dao_id>" when the payload has a dao_id, else "platform" (time bank,
disputes, moderation).
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from governance.canonical import canonical_json, canonical_json_text, hex_to_digest, sha256

GENESIS = "0" * 64
PLATFORM_CHAIN = "platform"
LINK_FIELDS = ("seq", "prev_hash", "hash")


def chain_of(event: Mapping) -> str:
    """The chain an event belongs to: "dao:<dao_id>" or "platform"."""
    dao_id = event.get("dao_id")
    return f"dao:{dao_id}" if dao_id else PLATFORM_CHAIN


def event_hash(event: Mapping, prev_hash: str) -> str:
    """The chain hash of `event` (which must carry its "seq") after the event hashed `prev_hash`.

    Raises ValueError for a missing or non-integer seq, a malformed prev_hash, or a payload JCS
    cannot represent.
    """
    seq = _checked_seq(event.get("seq"))
    covered = {key: value for key, value in event.items() if key not in ("hash", "prev_hash")}
    return sha256(canonical_json(covered) + hex_to_digest(prev_hash, "prev_hash")).hex()


def _checked_seq(seq) -> int:
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError("an event's seq must be an integer >= 1")
    return seq


def link_event(payload: Mapping, seq: int, prev_hash: str) -> dict:
    """`payload` linked at `seq` after the event whose hash is `prev_hash` (GENESIS for seq 1).

    Returns a new dict: the payload plus seq, prev_hash and hash. Link fields already in the
    payload are replaced. This is what the publishing bridge stores and publishes.
    """
    linked = {key: value for key, value in payload.items() if key not in LINK_FIELDS}
    linked["seq"] = seq
    linked["prev_hash"] = prev_hash
    linked["hash"] = event_hash(linked, prev_hash)
    return linked


def text_hash(payload_text: str, seq: int, prev_hash: str) -> str:
    """`link_event(json.loads(payload_text), seq, prev_hash)["hash"]`, from the payload's JSON
    object text without building the linked dict: the text with "seq" appended is
    canonicalized as it stands (governance.canonical.canonical_json_text; a reader keeps the last
    of duplicate keys). A text that mentions a link field other than seq takes link_event.

    Raises ValueError as event_hash does, and for a text that is not a JSON object."""
    if '"hash"' in payload_text or '"prev_hash"' in payload_text:
        return link_event(json.loads(payload_text), seq, prev_hash)["hash"]
    covered = appended(payload_text, f'"seq": {_checked_seq(seq)}')
    return sha256(canonical_json_text(covered) + hex_to_digest(prev_hash, "prev_hash")).hex()


def linked_text(payload_text: str, chain_seq: int, prev_hash: str, hash_: str) -> bytes:
    """The linked event (link_event's dict) as JSON bytes, written from the payload's JSON object
    text without decoding it: the link fields are appended to the object (the bridge publishes
    this). A payload never holds them (services.outbox writes it); if one did, a JSON reader
    keeps the last of duplicate keys, as link_event replaces them."""
    links = f'"seq": {int(chain_seq)}, "prev_hash": "{prev_hash}", "hash": "{hash_}"'
    return appended(payload_text, links).encode()


def appended(object_text: str, members: str) -> str:
    """A JSON object's text with `members` (text of one or more "key": value pairs) added last."""
    if not object_text.endswith("}"):
        raise ValueError("an event payload must be a JSON object")
    body = object_text[:-1].rstrip()
    return f"{body}{', ' if body != '{' else ''}{members}}}"


def link_chain(payloads: Iterable[Mapping], head_seq: int = 0, head_hash: str = GENESIS) -> list[dict]:
    """Link `payloads`, in order, after the chain head (`head_seq`, `head_hash`): the first gets
    seq head_seq + 1. With the defaults the result is a chain from its genesis."""
    linked = []
    seq, prev = head_seq, head_hash
    for payload in payloads:
        seq += 1
        event = link_event(payload, seq, prev)
        prev = event["hash"]
        linked.append(event)
    return linked


@dataclass(frozen=True)
class ChainBreak:
    """The first event of a chain that does not verify: its seq (or position, for an event
    without a usable seq) and why."""

    seq: int
    reason: str


def verify_chain(events: Iterable[Mapping], chain: str | None = None) -> ChainBreak | None:
    """Check a run of linked events (ascending seq); None when it verifies, else the first break.

    The run may start at any seq: its first event's prev_hash anchors it (a run starting at seq 1
    must start from GENESIS). Every event must follow the previous one (seq + 1, prev_hash = its
    hash), carry the hash it hashes to, and belong to `chain` (default: the first event's chain).
    """
    expected_seq, expected_prev = None, None
    for position, event in enumerate(events, start=1):
        seq = event.get("seq") if isinstance(event, Mapping) else None
        if not isinstance(seq, int) or isinstance(seq, bool):
            return ChainBreak(expected_seq or position, "event without an integer seq")
        chain = chain or chain_of(event)
        if chain_of(event) != chain:
            return ChainBreak(seq, f"event of chain {chain_of(event)} in chain {chain}")
        if expected_seq is None:
            if seq < 1:
                return ChainBreak(seq, "seq must be >= 1")
            if seq == 1 and event.get("prev_hash") != GENESIS:
                return ChainBreak(seq, "the event of seq 1 must follow GENESIS")
        elif seq != expected_seq:
            return ChainBreak(expected_seq, f"seq {seq} where {expected_seq} was due")
        elif event.get("prev_hash") != expected_prev:
            return ChainBreak(seq, "prev_hash differs from the previous event's hash")
        try:
            recomputed = event_hash(event, event.get("prev_hash"))
        except ValueError as error:
            return ChainBreak(seq, str(error))
        if recomputed != event.get("hash"):
            return ChainBreak(seq, f"hash differs: recomputed {recomputed}, recorded {event.get('hash')}")
        expected_seq, expected_prev = seq + 1, recomputed
    return None
