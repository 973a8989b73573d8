"""Slugs: 3-64 of a-z and 0-9 with single hyphens between them (governance.slugs)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.slugs import MAX_LENGTH, MIN_LENGTH, SLUG_PATTERN, is_slug, slugify, unique_slug


def valid(slug: str) -> bool:
    """What the request schemas check: the pattern and the lengths."""
    return MIN_LENGTH <= len(slug) <= MAX_LENGTH and re.fullmatch(SLUG_PATTERN, slug) is not None


@pytest.mark.parametrize("slug", ["abc", "my-dao", "a-b", "q3-p", "2024-budget", "a" * 64, "a-" * 31 + "ab"])
def test_valid_slugs(slug):
    assert is_slug(slug) and valid(slug)


@pytest.mark.parametrize("slug", [
    "---", "-ab-", "ab-", "-ab", "a--b", "ab", "a" * 65, "", "My-Dao", "my_dao", "my dao", "café", "ab\n",
    "a-b-", "１２３",
])
def test_invalid_slugs(slug):
    assert not is_slug(slug) and not valid(slug)


def test_slugify():
    assert slugify("Fund the Garden!") == "fund-the-garden"
    assert slugify("  --Café  Déjà vu--  ") == "cafe-deja-vu"
    assert slugify("Q3") == "q3-p"
    assert slugify("!!!") == "proposal"
    assert slugify("") == "proposal"
    assert slugify("a" * 100) == "a" * 64
    assert slugify("a" * 63 + " b") == "a" * 63


@given(st.text())
def test_slugify_always_gives_a_valid_slug(title):
    assert is_slug(slugify(title))


@given(st.text(alphabet="ab-- _", max_size=80))
def test_slugify_of_hyphen_runs_and_cuts_gives_a_valid_slug(title):
    assert is_slug(slugify(title))


def test_slugify_trims_a_hyphen_left_by_the_cut():
    assert slugify("a" * 63 + "-b") == "a" * 63
    assert slugify("a - b") == "a-b"
    assert slugify("-a-") == "a-p"


def test_unique_slug_appends_a_counter():
    assert unique_slug("budget", set()) == "budget"
    assert unique_slug("budget", {"budget"}) == "budget-2"
    assert unique_slug("budget", {"budget", "budget-2"}) == "budget-3"


def test_unique_slug_stays_within_64_characters():
    base = "x" * 64
    slug = unique_slug(base, {base, "x" * 62 + "-2"})
    assert slug == "x" * 62 + "-3"
    assert is_slug(slug)


@given(st.text(alphabet="ab-", min_size=3, max_size=64).filter(is_slug), st.sets(st.text(max_size=66)))
def test_unique_slug_always_gives_a_valid_slug_not_taken(base, taken):
    slug = unique_slug(base, taken)
    assert is_slug(slug) and slug not in taken


def test_unique_slug_trims_a_hyphen_left_by_the_cut():
    base = "a" * 61 + "-bc"
    assert unique_slug(base, {base}) == "a" * 61 + "-2"


def test_unique_slug_refuses_an_invalid_base():
    with pytest.raises(ValueError):
        unique_slug("ab-", set())
