"""The dashboard's voting-depth pages (issue 9 on SPEC 5.6 and the features after it), in a real
Chromium against the real stack: a ranked-choice proposal created with the form, ranked by keyboard
from two browser contexts, closed, its runoff rounds and its verifiable export shown; an approval
vote with checkboxes and a single-choice one; a secret ballot whose choices are in no part of the
page until it is finalized; a late-quorum extension seen live; an early pass; the 5.6 settings (type rules, late
quorum) in the create-DAO dialog and the overview with the API's 422 beside the field; a project
link and the DAO list filtered by it; a per-type delegation; an extra role; a deactivation and its
restore. Set-up that is not under test goes through the API (one DAO per test, no sleeps)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    accessibility_violations,
    check_and_capture,
    sign_in,
    tab_link,
)
from tests.conftest import unique

WAIT = {"Prefer": "wait=20"}


def dao_with_members(caller, *members):
    """A fresh DAO owned by a new subject, with `members` (power 1 each); (owner, slug)."""
    owner = caller()
    slug = unique("depth")
    assert owner.call("POST", "/daos", {"slug": slug, "name": "Depth DAO"}).status_code == 201
    for member in members:
        answer = owner.call("POST", f"/daos/{slug}/members", {"subject_id": member})
        assert answer.status_code == 201, answer.text
    return owner, slug


def active_proposal(owner, slug, body) -> str:
    answer = owner.call("POST", f"/daos/{slug}/proposals", body)
    assert answer.status_code == 201, answer.text
    pslug = answer.json()["slug"]
    answer = owner.call("POST", f"/daos/{slug}/proposals/{pslug}/activate", **WAIT)
    assert answer.status_code in (200, 201) and answer.json()["status"] == "succeeded", answer.text
    return pslug


def press(page, name: str, key: str = "Enter"):
    """Activate a button by keyboard: focus it, then press `key`."""
    button = page.get_by_role("button", name=name, exact=True)
    button.focus()
    page.keyboard.press(key)


def test_a_ranked_choice_proposal_is_ranked_by_keyboard_and_its_runoff_shown(open_tab, caller, artifacts):
    bob, carol = unique("user:bob"), caller()
    owner, slug = dao_with_members(caller, bob, carol.subject)
    a = open_tab()
    page = sign_in(a, owner.subject, f"/dao/{slug}/proposals")

    # The create form asks for the voting type and its options.
    page.get_by_role("button", name="Create proposal").click()
    dialog = page.get_by_role("dialog", name="Create proposal")
    dialog.get_by_label("Title", exact=True).fill("Pick a crop")
    dialog.get_by_label("Voting type", exact=True).select_option("ranked_choice")
    dialog.get_by_label("Options", exact=True).fill("Beans\nCarrots\nLeeks")
    dialog.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", level=2, name="Pick a crop")).to_be_visible()
    expect(page.get_by_text("Beans, Carrots, Leeks")).to_be_visible()
    page.get_by_role("button", name="Activate voting").click()
    expect(page.get_by_role("group", name="Rank the options in order of preference")).to_be_visible()
    proposal_path = page.url.removeprefix(a.base_url)

    # The owner ranks by keyboard: Carrots, then Beans (the focus moves on to it), then moves Beans up.
    press(page, "Rank Carrots")
    expect(page.get_by_role("button", name="Rank Beans", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Rank Leeks", exact=True)).to_be_focused()
    press(page, "Move Beans up")
    expect(page.get_by_role("button", name="Move Beans down", exact=True)).to_be_focused()
    expect(page.get_by_text("Your ranking: Beans > Carrots.")).to_be_visible()
    press(page, "Cast this ranking")
    expect(page.get_by_text("You voted Beans > Carrots.")).to_be_visible()
    leaf_shown = page.locator("code.hash").inner_text()  # the vote job's leaf hash, for the proof later

    # Bob, in a second context, the other way round; Carol through the API.
    b = open_tab()
    page_b = sign_in(b, bob, proposal_path)
    page_b.set_viewport_size(PHONE)
    press(page_b, "Rank Carrots")
    press(page_b, "Rank Beans")
    check_and_capture(page_b, artifacts, "ranked-ballot-phone")
    press(page_b, "Cast this ranking")
    expect(page_b.get_by_text("You voted Carrots > Beans.")).to_be_visible()
    answer = carol.call("POST", f"/daos/{slug}{proposal_path.removeprefix(f'/dao/{slug}')}/votes",
                        {"ranking": ["Leeks", "Carrots"]}, **WAIT)
    assert answer.status_code in (200, 201) and answer.json()["status"] == "succeeded", answer.text
    expect(page.get_by_text("3 voters counted", exact=False)).to_be_visible()

    # Closed: round 1 is a three-way tie (Leeks, the last option, is eliminated); Carrots wins round 2.
    page.get_by_role("button", name="Close voting now").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    rounds = page.get_by_role("list", name="Runoff rounds").get_by_role("listitem")
    expect(rounds).to_have_count(2)
    expect(rounds.nth(0)).to_contain_text("Beans 1, Carrots 1, Leeks 1")
    expect(rounds.nth(0)).to_contain_text("Leeks eliminated")
    expect(rounds.nth(1)).to_contain_text("Beans 1, Carrots 2")
    expect(page.locator(".tally").first).to_contain_text("Winner: Carrots")
    compare = page.get_by_role("region", name="The same votes under each model")
    expect(compare.get_by_role("listitem").filter(has_text="Winner")).to_have_count(4)
    expect(page.get_by_role("region", name="Votes", exact=True).last).to_contain_text("Leeks > Carrots")

    # The verifiable documents: the receipt's roots, the export and the voter's proof as files.
    verify = page.get_by_role("region", name="Verify this outcome")
    expect(verify).to_contain_text("python -m verify")
    expect(verify.get_by_text(re.compile(r"^[0-9a-f]{64}$")).first).to_be_visible()
    with page.expect_download() as download:
        verify.get_by_role("button", name="Download the export").click()
    document = json.loads(Path(download.value.path()).read_text())
    assert document["format"] == "governance.proposal_export"
    assert {row["voter"] for row in document["ballots"]} == {owner.subject, bob, carol.subject}
    with page.expect_download() as download:
        verify.get_by_role("button", name="Download your ballot proof").click()
    proof = json.loads(Path(download.value.path()).read_text())
    assert proof["ballot"] == {"voter": owner.subject, "ballot": {"ranking": ["Beans", "Carrots"]}}
    assert proof["leaf_hash"] == leaf_shown
    expect(verify.get_by_text(proof["leaf_hash"])).to_be_visible()

    check_and_capture(page, artifacts, "ranked-result-desktop")
    page.set_viewport_size(PHONE)
    check_and_capture(page, artifacts, "ranked-result-phone")
    a.assert_clean()
    b.assert_clean()


def test_an_approval_vote_and_a_secret_ballot_revealed_only_at_the_close(open_tab, caller, artifacts):
    bob = caller()
    owner, slug = dao_with_members(caller, bob.subject)
    approval = active_proposal(owner, slug, {"title": "Which fruit", "voting_type": "approval",
                                             "options": ["Apples", "Pears", "Plums"]})
    secret = active_proposal(owner, slug, {"title": "Secret fence", "ballot_secrecy": "secret_until_close"})
    single = active_proposal(owner, slug, {"title": "Fence colour", "voting_type": "single_choice",
                                           "options": ["Green", "White"]})

    # Approval: checkboxes, the current ballot shown and changeable.
    b = open_tab()
    page_b = sign_in(b, bob.subject, f"/dao/{slug}/proposals/{approval}")
    ballot = page_b.get_by_role("group", name="Approve one or more options")
    ballot.get_by_label("Apples", exact=True).check()
    ballot.get_by_label("Plums", exact=True).check()
    ballot.get_by_role("button", name="Cast approval").click()
    expect(page_b.get_by_text("You voted Apples, Plums.")).to_be_visible()
    expect(ballot.get_by_label("Plums", exact=True)).to_be_checked()
    ballot.get_by_label("Plums", exact=True).uncheck()
    ballot.get_by_role("button", name="Cast approval").click()
    expect(page_b.get_by_text("You voted Apples.")).to_be_visible()
    expect(page_b.get_by_role("img", name="Apples: 1")).to_be_visible()
    expect(page_b.get_by_role("img", name="Plums: 0")).to_be_visible()
    page_b.set_viewport_size(PHONE)
    check_and_capture(page_b, artifacts, "approval-ballot-phone")

    # Single choice: one button per option, the current one pressed.
    page_b.goto(f"{b.base_url}/dao/{slug}/proposals/{single}")
    page_b.get_by_role("button", name="White", exact=True).click()
    expect(page_b.get_by_text("You voted White.")).to_be_visible()
    expect(page_b.get_by_role("button", name="White", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page_b.get_by_role("img", name="White: 1")).to_be_visible()

    # Secret: the owner votes in the page, Bob through the API; no choice is anywhere on the page.
    a = open_tab()
    page = sign_in(a, owner.subject, f"/dao/{slug}/proposals/{secret}")
    expect(page.get_by_text("secret until the close", exact=True)).to_be_visible()
    expect(page.get_by_text("Counted by")).to_be_visible()
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.get_by_text("your ballot stays secret")).to_be_visible()
    answer = bob.call("POST", f"/daos/{slug}/proposals/{secret}/votes", {"choice": "no"}, **WAIT)
    assert answer.status_code in (200, 201) and answer.json()["status"] == "succeeded", answer.text
    votes = page.get_by_role("region", name="Votes", exact=True).last
    expect(votes.get_by_role("row")).to_have_count(3)  # the header and both voters
    expect(votes.get_by_role("columnheader")).to_have_text(["Voter", "Submitted"])
    expect(page.get_by_text("2 voters so far.")).to_be_visible()
    compare = page.get_by_role("region", name="The same votes under each model")
    expect(compare.get_by_text("Secret until the close")).to_have_count(4)
    choices = re.compile(r"\b(yes|no)\b", re.IGNORECASE)
    assert not choices.search(votes.inner_text()), votes.inner_text()
    assert not choices.search(compare.inner_text()), compare.inner_text()
    expect(page.get_by_text(re.compile("You voted (yes|no)", re.IGNORECASE))).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile(r"^(Yes|No):"))).to_have_count(0)
    check_and_capture(page, artifacts, "secret-active-desktop")

    # Finalized: the ballots and the figures are revealed.
    page.get_by_role("button", name="Close voting now").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(votes.get_by_role("row", name=re.compile(re.escape(bob.subject)))).to_contain_text("no")
    expect(votes.get_by_role("row", name=re.compile(re.escape(owner.subject)))).to_contain_text("yes")
    expect(page.get_by_role("img", name="Yes: 1")).to_be_visible()
    page.set_viewport_size(PHONE)
    check_and_capture(page, artifacts, "secret-revealed-phone")

    # Late quorum: a vote that reaches quorum 45 s before the end moves the end 10 min on, live.
    assert owner.call("PATCH", f"/daos/{slug}", {"late_quorum_extension_seconds": 600}).status_code == 200
    soon = (datetime.now(UTC) + timedelta(seconds=45)).isoformat()
    late = active_proposal(owner, slug, {"title": "Late gate", "end_at": soon})
    page.goto(f"{a.base_url}/dao/{slug}/proposals/{late}")
    expect(page.get_by_text(re.compile(r"^\d+ s left$"))).to_be_visible()
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.get_by_text(re.compile(r"^(9|10) min \d+ s left$"))).to_be_visible()

    # Early pass: with vote change off, one yes of the two members decides it at once.
    settings = {"allow_vote_change": False, "early_pass": True}
    assert owner.call("PATCH", f"/daos/{slug}", settings).status_code == 200
    early = active_proposal(owner, slug, {"title": "Early gate"})
    page.goto(f"{a.base_url}/dao/{slug}/proposals/{early}")
    expect(page.get_by_text("early pass", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(page.get_by_text("decided early", exact=False)).to_be_visible()
    a.assert_clean()
    b.assert_clean()


def test_the_5_6_settings_projects_delegation_extra_roles_and_restore(open_tab, caller, artifacts):
    owner, bob = unique("user:owner"), caller()
    slug = unique("rules")
    a = open_tab()
    page = sign_in(a, owner)

    # The create-DAO dialog takes the 5.6 settings, type rules included.
    page.get_by_role("button", name="Create DAO").click()
    dialog = page.get_by_role("dialog", name="Create DAO")
    dialog.get_by_label("Name", exact=True).fill("Rules DAO")
    dialog.get_by_label("Slug (its URL name)", exact=True).fill(slug)
    dialog.get_by_label("Late-quorum extension (seconds)", exact=True).fill("600")
    dialog.get_by_label("Add rules for", exact=True).select_option("treasury")
    dialog.get_by_label("Voting type for treasury", exact=True).select_option("approval")
    assert accessibility_violations(page) == [], "the create-DAO dialog"
    dialog.get_by_role("button", name="Create DAO").click()
    expect(page.get_by_role("heading", level=1, name="Rules DAO")).to_be_visible()
    settings = page.get_by_role("region", name="Settings")
    expect(settings).to_contain_text("10 min")
    expect(settings).to_contain_text(re.compile(r"treasury:\s*voting type approval"))

    # The overview's edit: the API's 422 beside the late-quorum field, then beside a type rule's.
    page.get_by_role("button", name="Edit settings").click()
    form = page.locator("form", has=page.get_by_role("button", name="Save settings"))
    form.get_by_label("Late-quorum extension (seconds)", exact=True).fill("-5")
    form.get_by_role("button", name="Save settings").click()
    expect(form.locator("#settings-late_quorum_extension_seconds-error")).to_be_visible()
    form.get_by_label("Late-quorum extension (seconds)", exact=True).fill("900")
    form.get_by_label("Quorum (%) for treasury", exact=True).fill("lots")
    form.get_by_role("button", name="Save settings").click()
    expect(form.locator("#settings-type_rules-treasury-quorum_percent-error")).to_be_visible()
    expect(form.get_by_label("Quorum (%) for treasury", exact=True)).to_have_attribute("aria-invalid", "true")
    check_and_capture(page, artifacts, "overview-settings-edit-desktop")
    form.get_by_label("Quorum (%) for treasury", exact=True).fill("40")
    form.get_by_role("button", name="Save settings").click()
    expect(settings).to_contain_text("15 min")
    expect(settings).to_contain_text(re.compile(r"treasury:\s*.*quorum percent 40"))

    # Projects: a bad id is refused beside the field; a good one is linked.
    projects = page.get_by_role("region", name="Projects")
    projects.get_by_label("Project id", exact=True).fill("bad id!")
    projects.get_by_role("button", name="Link project").click()
    expect(projects.locator("#project-id-error")).to_be_visible()
    project = unique("microdao:p")
    projects.get_by_label("Project id", exact=True).fill(project)
    projects.get_by_role("button", name="Link project").click()
    expect(projects.get_by_role("list", name="Linked projects")).to_contain_text(project)
    check_and_capture(page, artifacts, "overview-settings-desktop")

    # A delegation for treasury proposals only, then an extra role for Bob.
    owner_caller = caller(owner)
    assert owner_caller.call("POST", f"/daos/{slug}/members", {"subject_id": bob.subject}).status_code == 201
    tab_link(page, "Members").click()
    delegation = page.get_by_role("region", name="Your delegation")
    delegation.get_by_label("Delegate (subject id)", exact=True).fill(bob.subject)
    delegation.get_by_label("For proposals of type", exact=True).select_option("treasury")
    delegation.get_by_role("button", name="Set delegate").click()
    expect(delegation.get_by_text(f"You now delegate treasury proposals to {bob.subject}.")).to_be_visible()
    expect(delegation.get_by_role("list", name="Your delegations")).to_contain_text("For treasury proposals")
    me = page.get_by_role("row", name=re.compile(re.escape(f"{owner} (you)")))
    expect(me).to_contain_text(f"treasury: {bob.subject}")

    page.get_by_role("button", name=f"Edit {bob.subject}", exact=True).click()
    extra = page.get_by_role("region", name=f"Extra roles of {bob.subject}")
    extra.get_by_label("Extra role", exact=True).select_option("observer")
    extra.get_by_role("button", name="Give extra role").click()
    bob_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=bob.subject, exact=True))
    expect(bob_row.get_by_role("cell").first).to_have_text("member, observer")
    expect(extra.get_by_role("button", name=f"Take role observer from {bob.subject}")).to_be_visible()
    page.set_viewport_size(PHONE)
    check_and_capture(page, artifacts, "members-extra-roles-phone")

    # Deactivated after a confirmation, then restored by its owner.
    page.goto(f"{a.base_url}/dao/{slug}")
    page.get_by_role("button", name="Deactivate this DAO").click()
    page.get_by_role("dialog", name="Deactivate this DAO?").get_by_role("button", name="Deactivate", exact=True).click()
    notice = page.get_by_role("region", name="Deactivated DAO")
    expect(notice).to_contain_text("As its owner you may restore it.")
    check_and_capture(page, artifacts, "deactivated-phone")
    notice.get_by_role("button", name="Restore this DAO").click()
    expect(notice).to_have_count(0)
    expect(page.get_by_role("button", name="Edit settings")).to_be_visible()

    # The DAO list filtered by a linked project.
    page.get_by_role("link", name="DAO dashboard").click()
    search = page.get_by_role("search", name="DAOs by project")
    search.get_by_label("Linked to project", exact=True).fill(unique("microdao:none"))
    search.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No DAO to show yet.")).to_be_visible()
    search.get_by_label("Linked to project", exact=True).fill(project)
    search.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Rules DAO")).to_be_visible()
    expect(page.locator(".dao-card")).to_have_count(1)
    expect(page.locator(".dao-card")).to_contain_text(project)
    a.assert_clean(allowed_statuses=(422,))
