"""Liquid (delegated) voting: where the power of every snapshot member ends up (SPEC 5.3).

A member who votes directly always votes with their own power. The power of a member who did not
vote follows their delegation chain to the first member on it who voted directly and counts for
that member's choice. A chain that ends at a member who did not vote and delegates no further,
runs into a cycle, or leaves the snapshot leaves that power uncast. Only the snapshot's
delegations count; votes by subjects outside the snapshot are ignored.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from governance.power import as_decimal, exact_sum
from governance.vocabulary import VOTE_CHOICES


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


def terminal_voters(
    powers: Mapping[str, Decimal],
    delegates: Mapping[str, str | None],
    direct: Mapping[str, str],
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


def resolve_delegation(
    powers: Mapping[str, Decimal],
    delegates: Mapping[str, str | None],
    direct: Mapping[str, str],
) -> DelegatedTotals:
    """Total the snapshot's power per choice under liquid delegation.

    `powers`: snapshot member -> base power (>= 0); `delegates`: member -> delegate or None;
    `direct`: subject -> choice ('yes' | 'no' | 'abstain') for everyone who voted directly.
    Raises ValueError for a negative power or an unknown choice of a snapshot member.
    """
    for subject, choice in direct.items():
        if subject in powers and choice not in VOTE_CHOICES:
            raise ValueError(f"unknown choice {choice!r} for {subject!r}")
    buckets: dict[str, list[Decimal]] = {"yes": [], "no": [], "abstain": [], "uncast": []}
    counted = 0
    for subject, terminal in terminal_voters(powers, delegates, direct).items():
        power = as_decimal(powers[subject])
        if power < 0:
            raise ValueError(f"negative power for {subject!r}")
        if terminal is None:
            buckets["uncast"].append(power)
        else:
            buckets[direct[terminal]].append(power)
            counted += 1
    return DelegatedTotals(
        yes=exact_sum(buckets["yes"]),
        no=exact_sum(buckets["no"]),
        abstain=exact_sum(buckets["abstain"]),
        uncast=exact_sum(buckets["uncast"]),
        counted=counted,
        direct_voters=sum(1 for subject in direct if subject in powers),
    )
