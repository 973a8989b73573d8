"""Time to first render of the dashboard (issue 9) for a large DAO.

    .venv/bin/python -m bench.dashboard [--members 10000] [--proposals 1000] [--repeat 5]

A DAO with N members and P proposals (rows inserted with generate_series), and a baseline DAO
of 3 members and 3 proposals measured in the same run. The API is served by gunicorn
(api/gunicorn_conf.py); the page is loaded in Debian's Chromium (Playwright) with a fresh
browser context each time, signed in through sessionStorage. Measured from navigation start
(performance.timeOrigin) to:
- `/dao/<slug>`: the Overview's settings and figures shown (the members count is read from the
  API, so its figure is on the page);
- `/dao/<slug>/proposals`: the first page of proposal links shown;
- the Proposals tab opened from the Overview by its link (no page load).
Medians of --repeat runs after a warm-up; reported as ratios against the baseline DAO.
"""

from __future__ import annotations

import argparse

from bench._data import dao_with_voters
from bench._stack import bench_stack, machine, median, report
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP

STATUSES = ("draft", "active", "passed", "rejected", "expired", "executed", "canceled")


def add_proposals(conn, dao, count: int) -> None:
    conn.execute(
        """INSERT INTO proposals (id, dao_id, slug, title, description, proposal_type, action_payload, status,
                                  start_at, end_at, created_by, created_at, updated_at)
           SELECT gen_random_uuid(), %(dao)s, 'p-' || i, 'Proposal number ' || i, 'Bench proposal', 'general',
                  '{}'::jsonb, (%(statuses)s::text[])[1 + i %% %(n)s], now() - i * interval '1 minute',
                  now() + interval '7 days', %(owner)s, now() - i * interval '1 minute', now()
           FROM generate_series(1, %(count)s) AS i""",
        {"dao": dao.id, "statuses": list(STATUSES), "n": len(STATUSES), "owner": dao.owner_subject_id,
         "count": count},
    )
    conn.execute("ANALYZE proposals; ANALYZE dao_members")


def elapsed_ms(page) -> float:
    return page.evaluate("performance.now()")


def measure(browser, url: str, token: str, slug: str, name: str) -> dict[str, float]:
    """One fresh context: the three timings in milliseconds."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(f"sessionStorage.setItem('governance.dashboard.token', {token!r})")
    page = context.new_page()
    try:
        page.goto(f"{url}/dao/{slug}", wait_until="commit")
        page.get_by_role("heading", name="Settings").wait_for()
        page.get_by_text("Active members").locator("xpath=..").get_by_role("definition").wait_for()
        overview = elapsed_ms(page)
        start = elapsed_ms(page)
        page.get_by_role("navigation", name="DAO sections").get_by_role("link", name="Proposals").click()
        page.locator(".proposal-item a").first.wait_for()
        tab = elapsed_ms(page) - start
        page.goto(f"{url}/dao/{slug}/proposals", wait_until="commit")
        page.locator(".proposal-item a").first.wait_for()
        proposals = elapsed_ms(page)
        assert page.get_by_role("heading", level=1, name=name).is_visible()
    finally:
        context.close()
    return {"overview": overview, "proposals": proposals, "tab": tab}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with bench_stack("dashboard") as bench:
        from playwright.sync_api import sync_playwright

        from api.auth import mint_token

        url = bench.api()
        daos = {}
        with bench.connect() as conn:
            for label, members, proposals in (("baseline", 2, 3), ("large", args.members, args.proposals)):
                dao = dao_with_voters(conn, members)
                add_proposals(conn, dao, proposals)
                daos[label] = dao
        timings = {label: [] for label in daos}
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for run in range(args.repeat + 1):
                for label, dao in daos.items():
                    token = mint_token(dao.owner_subject_id, ttl_seconds=3600)
                    result = measure(browser, url, token, dao.slug, dao.name)
                    if run:  # the first run warms the API and the browser's module cache up
                        timings[label].append(result)
            browser.close()

    rows = [("machine", machine()),
            ("large DAO", f"{args.members:,} members, {args.proposals:,} proposals; baseline 3 members, 3 proposals")]
    for key, what in (("overview", "/dao/<slug> first render"), ("proposals", "/dao/<slug>/proposals first render"),
                      ("tab", "Proposals tab from the Overview")):
        base = median([t[key] for t in timings["baseline"]])
        large = median([t[key] for t in timings["large"]])
        rows.append((what, f"{large:.0f} ms vs baseline {base:.0f} ms: x{large / base:.2f}"))
    report(f"Dashboard time to first render (median of {args.repeat} runs)", rows)


if __name__ == "__main__":
    main()
