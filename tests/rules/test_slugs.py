"""Slugs: 3-64 of a-z, 0-9 and '-'."""

import re

from hypothesis import given
from hypothesis import strategies as st

from governance.slugs import SLUG_PATTERN, slugify, unique_slug


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
    assert re.match(SLUG_PATTERN, slugify(title))


def test_unique_slug_appends_a_counter():
    assert unique_slug("budget", set()) == "budget"
    assert unique_slug("budget", {"budget"}) == "budget-2"
    assert unique_slug("budget", {"budget", "budget-2"}) == "budget-3"


def test_unique_slug_stays_within_64_characters():
    base = "x" * 64
    slug = unique_slug(base, {base, "x" * 62 + "-2"})
    assert slug == "x" * 62 + "-3"
    assert re.match(SLUG_PATTERN, slug)
