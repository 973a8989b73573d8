"""Liquid (delegated) voting: where the power of every snapshot member ends up (SPEC 5.3).

A member who votes directly always votes with their own power. The power of a member who did not
vote follows their delegation chain to the first member on it who voted directly and counts for
that member's choice. A chain that ends at a member who did not vote and delegates no further,
runs into a cycle, or leaves the snapshot leaves that power uncast. Only the snapshot's
delegations count; votes by subjects outside the snapshot are ignored.
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Container, Iterable, Mapping

from governance.power import EXACT, as_decimal, exact_sum
from governance.vocabulary import PROPOSAL_TYPES, VOTE_CHOICES


@dataclass(frozen=True)
class DelegatedTotals:
    """Summed power per choice after delegation, the power left uncast, and who was counted.

    `counted` is the number of snapshot members whose power was cast (directly or through a
    delegate); `direct_voters` the number of snapshot members who voted themselves.
    Invariant: yes + no + abstain + uncast == the sum of the snapshot's powers.
    """

    yes: Decimal
    no: Decimal
    abstain: Decimal
    uncast: Decimal
    counted: int
    direct_voters: int


@dataclass(frozen=True)
class CarriedPower:
    """Where the snapshot's power went, for ballots of any voting type.

    `weights`: each direct voter of the snapshot -> its own power plus the power of every chain
    that ends at it; `counted`: members whose power was cast; `direct_voters` = len(weights).
    Invariant: sum(weights) + uncast == the sum of the snapshot's powers.
    """

    weights: dict[str, Decimal]
    uncast: Decimal
    counted: int
    direct_voters: int


def terminal_voters(
    powers: Mapping[str, Decimal],
    delegates: Mapping[str, str | None],
    direct: Container[str],
) -> dict[str, str | None]:
    """Map every snapshot member to the direct voter its power counts for, or None (uncast).

    Each chain is walked once: every node on a walked path is memoized with the path's terminal,
    so the whole resolution is linear in the number of members. Iterative, no recursion.
    """
    resolved: dict[str, str | None] = {}
    for start in powers:
        if start in resolved:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while True:
            if node in resolved:
                terminal = resolved[node]
                break
            if node not in powers:  # the chain leaves the snapshot
                terminal = None
                break
            if node in direct:
                terminal = node
                break
            if node in on_path:  # a cycle with no direct voter on it
                terminal = None
                break
            path.append(node)
            on_path.add(node)
            node = delegates.get(node)
            if node is None:  # a non-voter who delegates no further
                terminal = None
                break
        for member in path:
            resolved[member] = terminal
        # A direct voter reached first (start itself) is not on `path`; record it too.
        if start not in resolved:
            resolved[start] = terminal
    return resolved


def carried_power(
    powers: Mapping[str, Decimal],
    delegates: Mapping[str, str | None],
    voted: Container[str],
) -> CarriedPower:
    """Sum the snapshot's power onto the direct voters it counts for, whatever their ballots.

    `powers`: snapshot member -> base power (>= 0); `delegates`: member -> delegate or None;
    `voted`: the subjects who voted directly (subjects outside the snapshot are ignored). The
    caller sums `weights` per ballot (SPEC 5.6: a delegator's power counts for its terminal
    voter's ballot, whatever it is). Raises ValueError for a negative power.
    """
    weights: dict[str, Decimal] = {}
    uncast = Decimal(0)
    counted = 0
    with localcontext(EXACT):
        for subject, terminal in terminal_voters(powers, delegates, voted).items():
            power = as_decimal(powers[subject])
            if power < 0:
                raise ValueError(f"negative power for {subject!r}")
            if terminal is None:
                uncast += power
            else:
                weights[terminal] = weights.get(terminal, Decimal(0)) + power
                counted += 1
    return CarriedPower(weights=weights, uncast=uncast, counted=counted, direct_voters=len(weights))


def resolve_delegation(
    powers: Mapping[str, Decimal],
    delegates: Mapping[str, str | None],
    direct: Mapping[str, str],
) -> DelegatedTotals:
    """Total the snapshot's power per choice under liquid delegation (basic ballots).

    `powers`: snapshot member -> base power (>= 0); `delegates`: member -> delegate or None;
    `direct`: subject -> choice ('yes' | 'no' | 'abstain') for everyone who voted directly.
    Raises ValueError for a negative power or an unknown choice of a snapshot member.
    """
    for subject, choice in direct.items():
        if subject in powers and choice not in VOTE_CHOICES:
            raise ValueError(f"unknown choice {choice!r} for {subject!r}")
    carried = carried_power(powers, delegates, direct)
    buckets: dict[str, list[Decimal]] = {choice: [] for choice in VOTE_CHOICES}
    for voter, weight in carried.weights.items():
        buckets[direct[voter]].append(weight)
    return DelegatedTotals(
        yes=exact_sum(buckets["yes"]),
        no=exact_sum(buckets["no"]),
        abstain=exact_sum(buckets["abstain"]),
        uncast=carried.uncast,
        counted=carried.counted,
        direct_voters=carried.direct_voters,
    )


def effective_delegates(
    delegations: Iterable[tuple[str, str | None, str]], proposal_type: str
) -> dict[str, str]:
    """Each delegator's delegate for a proposal of `proposal_type` (SPEC 5.6), as the snapshot
    records it.

    `delegations`: (delegator, proposal_type or None for the general delegation, delegate) rows
    of one DAO. A delegator's delegation for `proposal_type` wins over its general one; its
    delegations for other types are ignored; a delegator with neither is absent. Raises
    ValueError for an unknown proposal type (argument or row) or two rows of one delegator for
    the same type.
    """
    if proposal_type not in PROPOSAL_TYPES:
        raise ValueError(f"unknown proposal type {proposal_type!r}")
    general: dict[str, str] = {}
    typed: dict[str, str] = {}
    for delegator, row_type, delegate in delegations:
        if row_type is not None and row_type not in PROPOSAL_TYPES:
            raise ValueError(f"unknown proposal type {row_type!r}")
        target = general if row_type is None else typed if row_type == proposal_type else None
        if target is None:
            continue
        if delegator in target:
            raise ValueError(f"two delegations of {delegator!r} for {row_type or 'general'}")
        target[delegator] = delegate
    return {**general, **typed}
