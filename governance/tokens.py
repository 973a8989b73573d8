"""Treasury tokens (SPEC 3 `treasury_balances.contract_address`): which contract a DAO's token
is, settled once.

A delta may name the token's `contract_address`. The first address named is the token's (on its
first delta, or on a later one while it has none); a later delta naming another address is
refused with 409 `contract_address_mismatch`, so a balance never silently changes contract. EVM
addresses (`0x` and 40 hex digits) are one address whatever their letter case (EIP-55 checksums
mix cases); other addresses compare exactly. The `TIME` token is the time-credit ledger's, on no
chain: it takes no address.
"""

import re

from governance.errors import Conflict, ValidationFailed

CONTRACT_ADDRESS_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$"
TIME_TOKEN = "TIME"
_EVM_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


class ContractAddressMismatch(Conflict):
    code, title = "contract_address_mismatch", "Contract address mismatch"


def same_address(a: str, b: str) -> bool:
    """Whether two contract addresses name the same contract."""
    if _EVM_ADDRESS.fullmatch(a) and _EVM_ADDRESS.fullmatch(b):
        return a.lower() == b.lower()
    return a == b


def settled_address(token_symbol: str, current: str | None, requested: str | None) -> str | None:
    """The token's contract address once a delta naming `requested` (None: names none) applies
    to it while it has `current`: `current` when set (and `requested` names the same contract or
    none), else `requested`. ContractAddressMismatch for another contract; ValidationFailed on
    `contract_address` for an address on the `TIME` token."""
    if requested is None:
        return current
    if token_symbol == TIME_TOKEN:
        raise ValidationFailed("the TIME token has no contract address",
                               errors={"contract_address": ["TIME is the time-credit token: it has no contract"]})
    if current is None:
        return requested
    if not same_address(current, requested):
        raise ContractAddressMismatch(
            f"the token {token_symbol} of this DAO is the contract {current}, not {requested}; "
            "its address is set by its first delta that names one and cannot change"
        )
    return current
