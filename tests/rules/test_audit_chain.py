"""The hash-chained audit trail: hashing, linking and the first break a verification finds."""

import hashlib
import json

import pytest

from governance.audit_chain import (
    GENESIS, PLATFORM_CHAIN, chain_of, event_hash, link_chain, link_event, verify_chain,
)

DAO = "0b6f8a52-1111-4a4e-9d55-3f0c2d7e9a01"


def payload(n: int, dao_id: str | None = DAO, **data) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}", "type": "vote_cast", "dao_id": dao_id,
        "dao_slug": "coop" if dao_id else None, "actor": "user:alice",
        "ts": f"2026-03-01T12:00:{n:02d}Z", "data": {"choice": "yes", "weight": "1.50000000", **data},
    }


def test_hash_is_sha256_of_jcs_of_the_event_with_its_seq_then_the_previous_hash():
    event = {**payload(1), "seq": 1}
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":")).encode()  # JCS of ASCII
    expected = hashlib.sha256(canonical + bytes(32)).hexdigest()
    assert event_hash(event, GENESIS) == expected
    assert link_event(payload(1), 1, GENESIS)["hash"] == expected


def test_hash_ignores_key_order_and_its_own_link_fields():
    event = link_event(payload(1), 1, GENESIS)
    reordered = dict(reversed(list(event.items())))
    assert event_hash(reordered, GENESIS) == event["hash"]
    assert event_hash({**event, "hash": "f" * 64}, GENESIS) == event["hash"]


def test_seq_and_previous_hash_are_covered():
    event = {**payload(1), "seq": 1}
    assert event_hash(event, GENESIS) != event_hash({**event, "seq": 2}, GENESIS)
    assert event_hash(event, GENESIS) != event_hash(event, "1" * 64)


def test_link_chain_numbers_from_the_head_and_links_each_to_the_previous():
    chain = link_chain([payload(i) for i in range(1, 5)])
    assert [e["seq"] for e in chain] == [1, 2, 3, 4]
    assert chain[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(chain, chain[1:]))
    more = link_chain([payload(5)], head_seq=4, head_hash=chain[-1]["hash"])
    assert verify_chain(chain + more) is None


def test_linking_replaces_stale_link_fields():
    event = link_event({**payload(1), "seq": 9, "hash": "x"}, 1, GENESIS)
    assert (event["seq"], event["prev_hash"]) == (1, GENESIS)
    assert verify_chain([event]) is None


def test_dao_events_and_platform_events_are_separate_chains():
    assert chain_of(payload(1)) == f"dao:{DAO}"
    assert chain_of(payload(1, dao_id=None)) == PLATFORM_CHAIN
    platform = link_chain([payload(1, dao_id=None), payload(2, dao_id=None)])
    assert verify_chain(platform, PLATFORM_CHAIN) is None
    mixed = link_chain([payload(1), payload(2, dao_id=None)])
    assert verify_chain(mixed).seq == 2


CHAIN = link_chain([payload(i) for i in range(1, 8)])


def test_an_intact_chain_verifies_from_genesis_and_from_any_page():
    assert verify_chain(CHAIN) is None
    assert verify_chain(CHAIN[3:]) is None  # anchored at its first prev_hash
    assert verify_chain([]) is None


def test_a_changed_event_is_the_first_break():
    tampered = [dict(e) for e in CHAIN]
    tampered[4] = {**tampered[4], "data": {**tampered[4]["data"], "choice": "no"}}
    broken = verify_chain(tampered)
    assert broken.seq == 5 and "hash differs" in broken.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link():
    tampered = [dict(e) for e in CHAIN]
    edited = {**tampered[2], "actor": "user:mallory"}
    tampered[2] = link_event(edited, 3, edited["prev_hash"])
    broken = verify_chain(tampered)
    assert broken.seq == 4 and "prev_hash" in broken.reason


def test_a_removed_event_is_a_gap():
    broken = verify_chain(CHAIN[:2] + CHAIN[3:])
    assert broken.seq == 3 and "seq 4" in broken.reason


def test_reordered_events_break():
    assert verify_chain([CHAIN[0], CHAIN[2], CHAIN[1]]).seq == 2


def test_a_chain_from_seq_1_must_start_at_genesis():
    forged = link_chain([payload(1)], head_seq=0, head_hash="1" * 64)
    assert verify_chain(forged).seq == 1


@pytest.mark.parametrize("bad_seq", [None, "1", True, 0])
def test_an_event_without_a_usable_seq_breaks(bad_seq):
    event = {**CHAIN[0], "seq": bad_seq}
    assert verify_chain([event]) is not None


def test_a_payload_json_cannot_carry_is_refused():
    with pytest.raises(ValueError):
        link_event({**payload(1), "data": {"big": 2**60}}, 1, GENESIS)
    with pytest.raises(ValueError):
        event_hash({**payload(1), "seq": 1}, "not-hex")
