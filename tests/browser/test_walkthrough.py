"""The dashboard walk-through of issue 9, in a real Chromium against the real stack: sign in,
create a DAO, add a member, create, edit and activate a proposal, vote from two browser contexts,
see the votes, the tally and the finalized outcome appear without a reload, compare the models,
a treasury delta that fails for want of funds and one that succeeds with the chart updated, the
second context seeing the activity live, and a non-member meeting the 403 page. Every tab is
checked with axe-core and captured at desktop and phone width."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import check_and_capture, sign_in, tab_link
from tests.conftest import unique

VOTING_SECONDS = 15  # from the edit of the draft to the deadline: both votes fit (~2 s here), no long sleep


def local_input(moment: datetime) -> str:
    """The text a datetime-local input takes (the contexts run in UTC)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def test_a_member_governs_a_dao_in_the_browser(open_tab, artifacts):
    owner, member, outsider = unique("user:owner"), unique("user:bob"), unique("user:eve")
    slug = unique("garden")
    a = open_tab()
    page = sign_in(a, owner)

    # Create a DAO: the API's per-field message shows beside the field, then it is created.
    page.get_by_role("button", name="Create DAO").click()
    dialog = page.get_by_role("dialog", name="Create DAO")
    dialog.get_by_label("Name", exact=True).fill("Community garden")
    dialog.get_by_label("Slug (its URL name)", exact=True).fill("No Caps!")
    dialog.get_by_role("button", name="Create DAO").click()
    expect(dialog.locator("#create-dao-slug-error")).to_contain_text("3-64 characters")
    expect(dialog.get_by_label("Slug (its URL name)", exact=True)).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Slug (its URL name)", exact=True).fill(slug)
    dialog.get_by_label("Governance model", exact=True).select_option("simple")
    dialog.get_by_role("button", name="Create DAO").click()
    expect(page.get_by_role("heading", level=1, name="Community garden")).to_be_visible()
    assert page.url.endswith(f"/dao/{slug}")

    # Add a member with more voting power (so the models disagree later).
    tab_link(page, "Members").click()
    assert page.url.endswith(f"/dao/{slug}/members")
    form = page.locator("form", has=page.get_by_role("button", name="Add member"))
    form.get_by_label("Subject id", exact=True).fill(member)
    form.get_by_label("Voting power", exact=True).fill("3")
    form.get_by_role("button", name="Add member").click()
    expect(page.get_by_text(f"Added {member} as member.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(member)))).to_be_visible()

    # Treasury: a withdrawal beyond the balance fails in words; deposits succeed and the chart follows.
    tab_link(page, "Treasury").click()
    delta = page.locator("form", has=page.get_by_role("button", name="Apply delta"))
    for amount, reason in (("10", "seed money"), ("-15", "too much")):
        delta.get_by_label("Token", exact=True).fill("GOV")
        delta.get_by_label("Delta (negative to withdraw)", exact=True).fill(amount)
        delta.get_by_label("Reason", exact=True).fill(reason)
        delta.get_by_role("button", name="Apply delta").click()
        if amount == "10":
            expect(delta.get_by_text("Applied: the balance is now 10.")).to_be_visible()
    expect(delta.get_by_role("alert")).to_have_text("The treasury holds only 10 GOV.")
    expect(page.get_by_role("img", name="GOV balance over time")).to_be_visible()
    delta.get_by_label("Delta (negative to withdraw)", exact=True).fill("5")
    delta.get_by_label("Reason", exact=True).fill("more")
    delta.get_by_role("button", name="Apply delta").click()
    expect(delta.get_by_text("Applied: the balance is now 15.")).to_be_visible()
    expect(page.get_by_role("region", name="Treasury ledger").get_by_role("row")).to_have_count(3)  # header + 2

    # Create, edit and activate a proposal.
    tab_link(page, "Proposals").click()
    page.get_by_role("button", name="Create proposal").click()
    dialog = page.get_by_role("dialog", name="Create proposal")
    dialog.get_by_label("Title", exact=True).fill("Buy seeds")
    dialog.get_by_label("Description", exact=True).fill("Tomatoes and beans for the spring.")
    dialog.get_by_role("button", name="Add treasury transfer").click()
    dialog.get_by_label("Token", exact=True).fill("GOV")
    dialog.get_by_label("Amount", exact=True).fill("2")
    dialog.get_by_label("To subject", exact=True).fill(member)
    dialog.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", level=2, name="Buy seeds")).to_be_visible()
    assert "/proposals/buy-seeds" in page.url

    page.get_by_role("button", name="Edit draft").click()
    edit = page.locator("form", has=page.get_by_role("button", name="Save draft"))
    edit.get_by_label("Title", exact=True).fill("Buy seeds for spring")
    deadline = datetime.now(timezone.utc) + timedelta(seconds=VOTING_SECONDS)
    edit.get_by_label("Voting ends", exact=True).fill(local_input(deadline))
    edit.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=2, name="Buy seeds for spring")).to_be_visible()
    page.get_by_role("button", name="Activate voting").click()
    expect(page.get_by_role("button", name="Yes", exact=True)).to_be_visible()
    proposal_path = page.url.removeprefix(a.base_url)

    # The member votes from a second browser context, then watches the activity live.
    b = open_tab()
    page_b = sign_in(b, member, proposal_path)
    page_b.get_by_role("button", name="No", exact=True).click()
    expect(page_b.get_by_text("Counting your vote")).to_be_visible()
    expect(page_b.get_by_text(re.compile("You voted no"))).to_be_visible()

    # The owner sees that vote arrive without reloading, then votes.
    expect(page.get_by_role("region", name="Votes").get_by_role("row", name=re.compile(re.escape(member)))).to_be_visible()
    tab_link(page_b, "Activity").click()
    expect(page_b.get_by_text("Live updates: live")).to_be_visible()
    expect(page_b.get_by_role("list", name="Events").get_by_text("vote cast").first).to_be_visible()
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.get_by_text(re.compile("You voted yes"))).to_be_visible()
    expect(page_b.get_by_role("list", name="Events").get_by_text(re.compile(f"voter {re.escape(owner)}"))).to_be_visible()
    expect(page.get_by_text("2 voters counted", exact=False)).to_be_visible()

    # The deadline passes; the scheduler finalizes; the outcome appears without a reload.
    expect(page.get_by_text(re.compile("Outcome:"))).to_be_visible(timeout=(VOTING_SECONDS + 30) * 1000)
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    # The same votes under each model: one each (simple) passes; by power (weighted) 1 yes to 3 no fails.
    compare = page.get_by_role("region", name="The same votes under each model")
    expect(compare.get_by_role("listitem")).to_have_count(4)
    expect(compare.get_by_role("listitem").filter(has_text="simple")).to_contain_text("passed")
    expect(compare.get_by_role("listitem").filter(has_text="weighted")).to_contain_text("rejected")
    expect(page_b.get_by_role("list", name="Events").get_by_text("proposal finalized").first).to_be_visible()

    # Executing it carries out its transfer; the vote's reward (the consumer) shows in the header
    # of every page, and the owner deposits it into the DAO's TIME token.
    page.get_by_role("button", name="Execute proposal").click()
    expect(page.locator(".badge", has_text="executed")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Time credits: 0\.1"))).to_be_visible(timeout=60_000)
    tab_link(page, "Treasury").click()
    deposit = page.locator("form", has=page.get_by_role("button", name="Deposit credits"))
    deposit.get_by_label("Credits to deposit", exact=True).fill("0.1")
    deposit.get_by_role("button", name="Deposit credits").click()
    expect(deposit.get_by_text("Deposited.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Time credits: 0\b"))).to_be_visible()
    balances = page.locator(".balances")
    expect(balances).to_contain_text("GOV13")
    expect(balances).to_contain_text("TIME0.1")

    # A non-member meets the 403 page.
    c = open_tab()
    page_c = sign_in(c, outsider, f"/dao/{slug}")
    expect(page_c.get_by_role("heading", name="You cannot open this DAO")).to_be_visible()
    expect(page_c.get_by_text("private to its members")).to_be_visible()

    # Every tab and the proposal page, at desktop and phone width.
    pages = [("overview", f"/dao/{slug}", "Settings"), ("proposals", f"/dao/{slug}/proposals", "Buy seeds for spring"),
             ("treasury", f"/dao/{slug}/treasury", "TIME balance"), ("members", f"/dao/{slug}/members", "Roles"),
             ("activity", f"/dao/{slug}/activity", "proposal finalized"), ("proposal", proposal_path, "Result")]
    for width, viewport in (("desktop", None), ("phone", PHONE)):
        if viewport:
            page.set_viewport_size(viewport)
        for name, path, marker in pages:
            page.goto(a.base_url + path)
            expect(page.get_by_text(marker).first).to_be_visible()
            check_and_capture(page, artifacts, f"{name}-{width}")
    check_and_capture(page_c, artifacts, "forbidden-desktop")

    a.assert_clean(allowed_statuses=(422,))
    b.assert_clean()
    c.assert_clean(allowed_statuses=(403, 404))
