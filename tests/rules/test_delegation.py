"""Liquid delegation (SPEC 5.3): hand-computed chains, and large snapshots."""

from decimal import Decimal as D

import pytest

from governance.delegation import carried_power, effective_delegates, resolve_delegation, terminal_voters


def test_delegate_who_does_not_vote_passes_power_on_to_its_own_delegate():
    powers = {"a": D(1), "b": D(2), "c": D(4)}
    totals = resolve_delegation(powers, {"c": "b", "b": "a"}, {"a": "no"})
    assert (totals.no, totals.uncast, totals.counted, totals.direct_voters) == (D(7), D(0), 3, 1)


def test_delegate_who_does_not_vote_and_delegates_no_further_leaves_power_uncast():
    powers = {"a": D(1), "b": D(2), "c": D(4)}
    totals = resolve_delegation(powers, {"c": "b", "b": None}, {"a": "yes"})
    assert (totals.yes, totals.uncast, totals.counted) == (D(1), D(6), 1)


def test_direct_vote_overrides_own_delegation():
    powers = {"a": D(1), "b": D(2), "c": D(4)}
    totals = resolve_delegation(powers, {"b": "a", "c": "b"}, {"a": "yes", "b": "no"})
    # b votes with its own power; c's chain stops at b (the first direct voter), not a.
    assert (totals.yes, totals.no) == (D(1), D(6))


def test_self_delegation_is_a_cycle():
    totals = resolve_delegation({"a": D(5)}, {"a": "a"}, {})
    assert (totals.uncast, totals.counted) == (D(5), 0)


def test_chain_into_a_cycle_is_uncast_for_every_member_on_it():
    powers = {"x": D(1), "y": D(2), "a": D(4), "b": D(8)}
    delegates = {"x": "y", "y": "a", "a": "b", "b": "a"}
    mapping = terminal_voters(powers, delegates, {})
    assert mapping == {"x": None, "y": None, "a": None, "b": None}


def test_chain_leaving_the_snapshot_is_uncast():
    totals = resolve_delegation({"a": D(3)}, {"a": "ghost"}, {"ghost": "yes"})
    assert (totals.yes, totals.uncast, totals.direct_voters) == (D(0), D(3), 0)


def test_unknown_choice_of_a_snapshot_member_is_refused():
    with pytest.raises(ValueError):
        resolve_delegation({"a": D(1)}, {}, {"a": "maybe"})


def test_empty_snapshot():
    totals = resolve_delegation({}, {}, {"a": "yes"})
    assert (totals.yes, totals.no, totals.abstain, totals.uncast, totals.counted) == (0, 0, 0, 0, 0)


def test_hundred_thousand_members_with_long_chains_and_cycles():
    # Five chains of 10,000 members each ending at a direct voter, 25,000 members in one big
    # cycle, a 24,000-member chain into that cycle, and 1,000 self-delegating members.
    n_chain, choices = 10_000, ["yes", "no", "abstain", "yes", "no"]
    powers, delegates, direct = {}, {}, {}
    for c, choice in enumerate(choices):
        for i in range(n_chain):
            subject = f"c{c}_{i}"
            powers[subject] = D(1)
            delegates[subject] = f"c{c}_{i + 1}" if i + 1 < n_chain else None
        direct[f"c{c}_{n_chain - 1}"] = choice
    for i in range(25_000):
        powers[f"ring{i}"] = D(2)
        delegates[f"ring{i}"] = f"ring{(i + 1) % 25_000}"
    for i in range(24_000):
        powers[f"tail{i}"] = D(3)
        delegates[f"tail{i}"] = f"tail{i + 1}" if i + 1 < 24_000 else "ring0"
    for i in range(1_000):
        powers[f"self{i}"] = D(1)
        delegates[f"self{i}"] = f"self{i}"
    assert len(powers) == 100_000

    totals = resolve_delegation(powers, delegates, direct)

    assert totals.yes == 2 * n_chain
    assert totals.no == 2 * n_chain
    assert totals.abstain == n_chain
    assert totals.uncast == 25_000 * 2 + 24_000 * 3 + 1_000
    assert totals.counted == 5 * n_chain
    assert totals.direct_voters == 5


# --- SPEC 5.6: power carried to the terminal voter, whatever its ballot ---------------------------

def test_carried_power_sums_each_chain_onto_its_first_direct_voter():
    # e -> d -> c -> b -> a; c and a voted: a carries a + b, c carries c + d + e.
    powers = {"a": D(1), "b": D(2), "c": D(4), "d": D(8), "e": D(16), "f": D(32)}
    delegates = {"b": "a", "c": "b", "d": "c", "e": "d", "f": "ghost"}
    carried = carried_power(powers, delegates, {"a", "c"})
    assert carried.weights == {"a": D(3), "c": D(28)}
    assert (carried.uncast, carried.counted, carried.direct_voters) == (D(32), 5, 2)


def test_carried_power_ignores_voters_outside_the_snapshot_and_refuses_negative_power():
    assert carried_power({"a": D(1)}, {"a": "o"}, {"o"}).weights == {}
    with pytest.raises(ValueError):
        carried_power({"a": D(-1)}, {}, {"a"})


# --- SPEC 5.6: delegation per proposal type ---------------------------------------------------------

ROWS = [
    ("alice", None, "bob"), ("alice", "treasury", "carol"),
    ("dave", "treasury", "erin"),
    ("frank", None, "grace"), ("frank", "membership", "heidi"),
]


def test_a_members_delegate_for_type_t_is_its_t_delegation_else_its_general_one():
    assert effective_delegates(ROWS, "treasury") == {"alice": "carol", "dave": "erin", "frank": "grace"}
    assert effective_delegates(ROWS, "membership") == {"alice": "bob", "frank": "heidi"}
    assert effective_delegates(ROWS, "general") == {"alice": "bob", "frank": "grace"}


def test_delegations_per_type_refuse_unknown_types_and_duplicates():
    with pytest.raises(ValueError):
        effective_delegates(ROWS, "budget")
    with pytest.raises(ValueError):
        effective_delegates([("a", "budget", "b")], "general")
    with pytest.raises(ValueError):
        effective_delegates([("a", None, "b"), ("a", None, "c")], "general")
