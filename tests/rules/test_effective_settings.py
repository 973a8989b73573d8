"""The settings frozen at activation (SPEC 5.1): the proposal's override, else the DAO's."""

from dataclasses import FrozenInstanceError
from decimal import Decimal as D

import pytest

from governance.effective_settings import DaoSettings, EffectiveSettings, ProposalSettings, effective_settings

DAO = DaoSettings("weighted", D("20"), D("50"), True)


def test_without_overrides_the_dao_settings_apply():
    assert effective_settings(DAO, ProposalSettings()) == EffectiveSettings("weighted", D("20"), D("50"), True)


def test_each_override_replaces_its_dao_setting():
    frozen = effective_settings(DAO, ProposalSettings("quadratic", D("35"), D("66.5")))
    assert frozen == EffectiveSettings("quadratic", D("35"), D("66.5"), True)
    assert effective_settings(DAO, ProposalSettings(quorum_percent=D("1"))).pass_threshold_percent == D("50")


def test_a_zero_override_is_an_override():
    frozen = effective_settings(DAO, ProposalSettings(quorum_percent=D(0), pass_threshold_percent=D(0)))
    assert (frozen.quorum_percent, frozen.pass_threshold_percent) == (D(0), D(0))


def test_vote_change_is_the_dao_setting():
    no_change = DaoSettings("simple", D("20"), D("50"), False)
    assert effective_settings(no_change, ProposalSettings("weighted")).allow_vote_change is False


def test_the_frozen_settings_cannot_be_changed():
    frozen = effective_settings(DAO, ProposalSettings())
    with pytest.raises(FrozenInstanceError):
        frozen.quorum_percent = D(1)
