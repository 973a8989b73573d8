"""Treasury tokens: the contract address is settled by the first delta naming one."""

import re

import pytest

from governance.errors import ValidationFailed
from governance.tokens import CONTRACT_ADDRESS_PATTERN, ContractAddressMismatch, same_address, settled_address

USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"


def test_the_first_address_named_is_the_tokens():
    assert settled_address("USDC", None, USDC) == USDC
    assert settled_address("USDC", None, None) is None


def test_a_delta_naming_no_address_or_the_same_keeps_it():
    assert settled_address("USDC", USDC, None) == USDC
    assert settled_address("USDC", USDC, USDC) == USDC
    assert settled_address("USDC", USDC, USDC.lower()) == USDC  # EIP-55 case is not another contract


@pytest.mark.parametrize("other", ["0x" + "1" * 40, "USDC", USDC + "0", "solana:EPjFWdd5"])
def test_another_address_is_refused(other):
    with pytest.raises(ContractAddressMismatch) as caught:
        settled_address("USDC", USDC, other)
    assert caught.value.code == "contract_address_mismatch" and caught.value.status == 409
    assert USDC in caught.value.message and other in caught.value.message


def test_non_evm_addresses_compare_exactly():
    assert same_address("EPjFWdd5AufqSSqeM2q", "EPjFWdd5AufqSSqeM2q")
    assert not same_address("EPjFWdd5AufqSSqeM2q", "epjfwdd5aufqssqem2q")
    assert same_address(USDC.upper().replace("0X", "0x"), USDC.lower())


def test_the_time_token_takes_no_address():
    assert settled_address("TIME", None, None) is None
    with pytest.raises(ValidationFailed) as caught:
        settled_address("TIME", None, USDC)
    assert list(caught.value.errors) == ["contract_address"]


@pytest.mark.parametrize("address, valid", [
    (USDC, True), ("solana:EPjFWdd5AufqSSqeM2q.v1", True), ("a", True), ("x" * 128, True),
    ("", False), ("x" * 129, False), (" 0xabc", False), ("0x12 34", False), ("-0x1", False), ("0x1\n", False),
])
def test_the_address_syntax(address, valid):
    assert (re.fullmatch(CONTRACT_ADDRESS_PATTERN, address) is not None) is valid
