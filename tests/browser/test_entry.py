"""Ways into the dashboard (issue 9): a pasted token, a refused token, the microDAO console entry
and the public toggle of the DAO list."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import accessibility_violations, sign_in
from tests.conftest import unique


def test_a_pasted_token_signs_in_and_a_bad_one_is_refused_in_words(open_tab, caller):
    me = caller()
    tab = open_tab()
    page = tab.open("/dao")
    assert accessibility_violations(page) == []
    page.get_by_label("Token", exact=True).fill("not-a-token")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text(re.compile("The API refused this token"))).to_be_visible()
    page.get_by_label("Token", exact=True).fill(me.token)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text(f"Signed in as {me.subject}")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Your DAOs")).to_be_visible()
    # The token is kept for the tab: a reload stays signed in; signing out forgets it.
    page.reload()
    expect(page.get_by_text(f"Signed in as {me.subject}")).to_be_visible()
    assert page.evaluate("Object.values(sessionStorage)") == [me.token]
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    tab.assert_clean(allowed_statuses=(401,))


def test_the_microdao_console_entry_creates_then_opens_the_dao(open_tab):
    microdao = unique("Micro_DAO")
    tab = open_tab()
    page = sign_in(tab, unique("user:founder"), f"/dao?microdao_id={microdao}")
    page.get_by_role("button", name="Create DAO governance").click()
    dialog = page.get_by_role("dialog", name="Create DAO")
    expect(dialog.get_by_label("Linked microDAO id", exact=True)).to_have_value(microdao)
    slug = microdao.lower().replace("_", "-")
    expect(dialog.get_by_label("Slug (its URL name)", exact=True)).to_have_value(slug)
    dialog.get_by_role("button", name="Create DAO").click()
    expect(page.get_by_role("heading", level=1, name=microdao)).to_be_visible()
    page.goto(f"{tab.base_url}/dao?microdao_id={microdao}")
    page.get_by_role("link", name="Open DAO dashboard").click()
    assert page.url.endswith(f"/dao/{slug}")
    tab.assert_clean()


def test_the_list_shows_public_daos_when_asked(open_tab, caller):
    owner = caller()
    name = unique("Open DAO")
    created = owner.call("POST", "/daos", {"slug": unique("open"), "name": name, "is_public": True})
    assert created.status_code == 201, created.text
    tab = open_tab()
    page = sign_in(tab, unique("user:visitor"))
    expect(page.get_by_text("No DAO to show yet.")).to_be_visible()
    # By keyboard: the dialog opens with Enter and closes with Escape.
    page.get_by_role("button", name="Create DAO").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Create DAO")).to_be_visible()
    expect(page.get_by_role("dialog", name="Create DAO").get_by_label("Name", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Create DAO")).to_be_hidden()
    page.get_by_label("Show public DAOs too", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("link", name=name).wait_for()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=name))
    expect(card).to_contain_text("Members1")
    tab.assert_clean()
