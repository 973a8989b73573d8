"""SPEC 5.6, voting types: the options of a proposal and the ballot of every type."""

import pytest

from governance.ballots import (
    ballot_of, preferences, proposal_options, recorded_choice, validate_ballot, validate_options,
)
from governance.errors import ValidationFailed
from governance.vocabulary import BALLOT_SECRECY, VOTING_TYPES

OPTIONS = ["red", "green", "blue"]


def refused(call, *args):
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    assert caught.value.status == 422 and caught.value.code == "validation_error"
    return caught.value.errors


def test_vocabularies():
    assert VOTING_TYPES == ("basic", "single_choice", "approval", "ranked_choice")
    assert BALLOT_SECRECY == ("public", "secret_until_close")


# --- options: 2 to 20 distinct labels of 1-100 characters, none of them `abstain` -----------------

def test_options_of_two_to_twenty_distinct_labels_are_kept_in_order():
    assert validate_options(["b", "a"]) == ["b", "a"]
    twenty = [f"option {i}" for i in range(20)]
    assert validate_options(twenty) == twenty
    assert validate_options(("x" * 100, "y")) == ["x" * 100, "y"]


def test_fewer_than_two_or_more_than_twenty_options_are_refused():
    assert refused(validate_options, ["only"]) == {"options": ["must hold 2 to 20 options"]}
    assert refused(validate_options, []) == {"options": ["must hold 2 to 20 options"]}
    assert "options" in refused(validate_options, [f"o{i}" for i in range(21)])


def test_repeated_labels_are_refused():
    assert refused(validate_options, ["a", "b", "a"]) == {"options.2": ["repeats 'a'"]}


@pytest.mark.parametrize("label", ["", " ", "x" * 101, 7, None, ["a"], "a\x00b", "\ud800"])
def test_labels_must_be_storable_strings_of_1_to_100_characters(label):
    assert list(refused(validate_options, ["fine", label])) == ["options.1"]


def test_abstain_is_not_an_option():
    errors = refused(validate_options, ["abstain", "b"])
    assert list(errors) == ["options.0"]
    assert "abstain" in errors["options.0"][0]


def test_options_must_be_a_list():
    assert refused(validate_options, "a,b") == {"options": ["must be a list"]}
    assert refused(validate_options, {"a": 1, "b": 2}) == {"options": ["must be a list"]}


# --- ballots --------------------------------------------------------------------------------------

@pytest.mark.parametrize("choice", ["yes", "no", "abstain"])
def test_basic_ballot_is_a_choice_of_yes_no_or_abstain(choice):
    assert validate_ballot("basic", [], {"choice": choice}) == {"choice": choice}


def test_basic_ballot_refuses_another_choice():
    assert refused(validate_ballot, "basic", [], {"choice": "maybe"}) == {"choice": ["unknown choice 'maybe'"]}
    assert "choice" in refused(validate_ballot, "basic", [], {"choice": 1})


def test_single_choice_ballot_names_one_option():
    assert validate_ballot("single_choice", OPTIONS, {"choice": "green"}) == {"choice": "green"}


def test_single_choice_ballot_refuses_an_unknown_option_even_yes():
    assert refused(validate_ballot, "single_choice", OPTIONS, {"choice": "yes"}) == {
        "choice": ["unknown option 'yes'"]
    }


def test_approval_ballot_approves_one_to_all_options_normalized_to_the_options_order():
    assert validate_ballot("approval", OPTIONS, {"choices": ["blue"]}) == {"choices": ["blue"]}
    assert validate_ballot("approval", OPTIONS, {"choices": ["blue", "red", "green"]}) == {
        "choices": ["red", "green", "blue"]
    }


def test_approval_ballot_refuses_an_empty_list_a_repeat_and_an_unknown_option():
    assert refused(validate_ballot, "approval", OPTIONS, {"choices": []}) == {
        "choices": ["must name 1 to 3 options"]
    }
    assert refused(validate_ballot, "approval", OPTIONS, {"choices": ["red", "red"]}) == {
        "choices.1": ["repeats 'red'"]
    }
    assert refused(validate_ballot, "approval", OPTIONS, {"choices": ["red", "pink"]}) == {
        "choices.1": ["unknown option 'pink'"]
    }


def test_ranked_ballot_keeps_the_voters_strict_order():
    assert validate_ballot("ranked_choice", OPTIONS, {"ranking": ["blue", "red"]}) == {
        "ranking": ["blue", "red"]
    }
    assert validate_ballot("ranked_choice", OPTIONS, {"ranking": ["green"]}) == {"ranking": ["green"]}


def test_ranked_ballot_refuses_an_empty_list_a_repeat_an_unknown_option_and_a_non_list():
    assert "ranking" in refused(validate_ballot, "ranked_choice", OPTIONS, {"ranking": []})
    assert refused(validate_ballot, "ranked_choice", OPTIONS, {"ranking": ["red", "blue", "red"]}) == {
        "ranking.2": ["repeats 'red'"]
    }
    assert refused(validate_ballot, "ranked_choice", OPTIONS, {"ranking": ["abstain"]}) == {
        "ranking.0": ["unknown option 'abstain'"]
    }
    assert refused(validate_ballot, "ranked_choice", OPTIONS, {"ranking": "red"}) == {
        "ranking": ["must be a list of options"]
    }
    errors = refused(validate_ballot, "ranked_choice", OPTIONS, {"ranking": ["red", "green", "blue", "red"]})
    assert errors["ranking"] == ["must name 1 to 3 options"]


@pytest.mark.parametrize("voting_type", VOTING_TYPES)
def test_abstain_is_a_valid_ballot_of_every_type(voting_type):
    options = [] if voting_type == "basic" else OPTIONS
    assert validate_ballot(voting_type, options, {"choice": "abstain"}) == {"choice": "abstain"}
    assert preferences({"choice": "abstain"}) is None


@pytest.mark.parametrize(
    "voting_type, ballot, field",
    [
        ("basic", {"choices": ["yes"]}, "choices"),
        ("basic", {"ranking": ["yes"]}, "ranking"),
        ("single_choice", {"choices": ["red"]}, "choices"),
        ("approval", {"ranking": ["red"]}, "ranking"),
        ("ranked_choice", {"choices": ["red"]}, "choices"),
        ("single_choice", {"choice": "red", "note": "x"}, "note"),
    ],
)
def test_a_ballot_shape_of_another_type_is_refused(voting_type, ballot, field):
    options = [] if voting_type == "basic" else OPTIONS
    assert list(refused(validate_ballot, voting_type, options, ballot)) == [field]


def test_a_list_type_refuses_a_choice_other_than_abstain_and_both_fields_at_once():
    assert list(refused(validate_ballot, "approval", OPTIONS, {"choice": "red"})) == ["choice"]
    assert list(refused(validate_ballot, "ranked_choice", OPTIONS, {"choice": "red"})) == ["choice"]
    assert list(
        refused(validate_ballot, "approval", OPTIONS, {"choice": "abstain", "choices": ["red"]})
    ) == ["_schema"]


def test_a_missing_field_or_a_non_object_ballot_is_refused():
    assert refused(validate_ballot, "approval", OPTIONS, {}) == {"choices": ["missing required field"]}
    assert refused(validate_ballot, "basic", [], {}) == {"choice": ["missing required field"]}
    assert refused(validate_ballot, "basic", [], "yes") == {"_schema": ["must be an object"]}


def test_unknown_voting_type_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_ballot("plurality", OPTIONS, {"choice": "red"})


def test_preferences_of_normalized_ballots():
    assert preferences({"choice": "yes"}) == ("yes",)
    assert preferences({"choices": ["red", "blue"]}) == ("red", "blue")
    assert preferences({"ranking": ["blue", "red"]}) == ("blue", "red")


# --- a proposal's voting type and options, and what a vote row records ---------------------------

def test_a_multi_option_type_needs_options_and_basic_takes_none():
    assert proposal_options("approval", OPTIONS) == OPTIONS
    assert proposal_options("basic", None) is None
    for voting_type in ("single_choice", "approval", "ranked_choice"):
        assert refused(proposal_options, voting_type, None) == {"options": [f"a {voting_type} proposal needs options"]}
    assert refused(proposal_options, "basic", OPTIONS) == {"options": ["a basic proposal has no options"]}


def test_an_unset_type_takes_options_or_none_checked_when_given():
    assert proposal_options(None, None) is None
    assert proposal_options(None, OPTIONS) == OPTIONS
    assert "options.1" in refused(proposal_options, None, ["a", "a"])
    with pytest.raises(ValueError):
        proposal_options("plurality", OPTIONS)


def test_the_recorded_choice_is_the_basic_choice_or_abstain_else_none():
    assert [recorded_choice("basic", {"choice": c}) for c in ("yes", "no", "abstain")] == ["yes", "no", "abstain"]
    assert recorded_choice("single_choice", {"choice": "yes"}) is None  # an option named "yes" is no basic yes
    assert recorded_choice("approval", {"choices": ["red"]}) is None
    assert recorded_choice("ranked_choice", {"ranking": ["red"]}) is None
    for voting_type in VOTING_TYPES:
        assert recorded_choice(voting_type, {"choice": "abstain"}) == "abstain"


def test_the_ballot_of_a_request_keeps_the_ballot_fields_only():
    assert ballot_of({"choice": "yes", "dao_slug": "d", "proposal_slug": "p"}) == {"choice": "yes"}
    assert ballot_of({"ranking": ["a"], "choices": ["b"]}) == {"ranking": ["a"], "choices": ["b"]}
