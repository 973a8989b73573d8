"""The Activity tab's live updates (issue 9) survive a dropped stream: the API's workers are
restarted (gunicorn HUP ends every event stream, api/stream.py), events happen meanwhile, and
the page reconnects with Last-Event-ID and shows each of them exactly once, without a reload."""

from __future__ import annotations

import os
import signal

from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.conftest import unique

DELTAS = 4


def test_the_activity_resumes_after_a_dropped_stream_without_gaps_or_repeats(open_tab, caller, site):
    owner = caller()
    slug = unique("live")
    assert owner.call("POST", "/daos", {"slug": slug, "name": "Live DAO"}).status_code == 201
    tab = open_tab()
    streams = []
    tab.page.on("request", lambda r: streams.append(r.headers) if r.url.endswith(f"/daos/{slug}/events/stream") else None)
    page = sign_in(tab, owner.subject, f"/dao/{slug}/activity")
    expect(page.get_by_text("Live updates: live")).to_be_visible()
    events = page.get_by_role("list", name="Events")
    expect(events.get_by_text("dao created")).to_have_count(1)

    delta = {"token_symbol": "GOV", "delta": "1", "reason": "before the drop"}
    assert owner.call("POST", f"/daos/{slug}/treasury/deltas", delta, Prefer="wait=20").status_code == 201
    expect(events.get_by_text("treasury updated")).to_have_count(1)

    os.kill(site.process.proc.pid, signal.SIGHUP)  # new workers; the old ones end their streams
    for i in range(DELTAS):
        answer = owner.call("POST", f"/daos/{slug}/treasury/deltas", {**delta, "reason": f"during {i}"},
                            Prefer="wait=20")
        assert answer.status_code == 201, answer.text
    expect(events.get_by_text("treasury updated")).to_have_count(DELTAS + 1, timeout=60_000)
    expect(page.get_by_text("Live updates: live")).to_be_visible()

    resumed = [h for h in streams if "last-event-id" in h]
    assert resumed, "the page did not reconnect with Last-Event-ID"
    assert all("authorization" in h and "token" not in h.get("last-event-id", "") for h in streams)
    assert all("token=" not in url for url in [page.url])
    page.wait_for_timeout(1500)  # nothing arrives twice later either
    expect(events.get_by_text("treasury updated")).to_have_count(DELTAS + 1)
    tab.assert_clean()
