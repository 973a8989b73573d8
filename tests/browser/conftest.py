"""Fixtures of the browser tests: the real stack (the suite's Postgres, Redis and NATS; a Celery
worker, beat and the reward consumer started with the project's commands), the API served over
HTTP by gunicorn with the development JWT secret (so that the dashboard's development sign-in
is on), and Debian's Chromium driven by Playwright. The processes are the package's own: they stop
after the last browser test, so that no beat or consumer of theirs runs into the rest of the suite.

Chromium must be at /usr/bin/chromium (`make test` installs it, tests/browser/install_chromium.sh);
without it every browser test fails with a message saying so: they never skip.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import requests

from infra.config import DEVELOPMENT_JWT_SECRET
from tests.conftest import unique
from tests.ops.conftest import start_api
from tests.rewards.helpers import consumer_running
from tests.stack import ROOT, start_beat

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
EXPECT_TIMEOUT_MS = 20_000  # the machine is shared: a busy worker may take seconds per job
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
ARTIFACTS = ROOT / ".artifacts" / "browser"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's chromium "
                    "package (`make test` installs it with apt-get as root: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="package")
def beat(stack, log_dir):
    process = start_beat(stack, log_dir, interval=1)
    yield process
    process.stop()


@pytest.fixture(scope="package")
def consumer(stack, log_dir):
    with consumer_running(stack, log_dir) as process:
        yield process


@pytest.fixture(scope="package")
def site(stack, log_dir, worker, beat, consumer):
    """The API and the dashboard over HTTP (gunicorn, the project's command), development secret."""
    api = start_api(stack, log_dir, JWT_SECRET=DEVELOPMENT_JWT_SECRET, RATE_LIMIT_PER_MINUTE=0)
    yield api
    api.process.stop()


class Caller:
    """A subject calling the live API from the test (to set up what a walk-through starts from)."""

    def __init__(self, site, subject: str):
        self.site, self.subject = site, subject
        answer = requests.post(f"{site.url}/api/v1/auth/development/tokens", json={"subject_id": subject}, timeout=10)
        assert answer.status_code == 201, answer.text
        self.token = answer.json()["token"]

    def call(self, method: str, path: str, json=None, **headers):
        response = requests.request(method, f"{self.site.url}/api/v1{path}", json=json, timeout=40,
                                    headers={"Authorization": f"Bearer {self.token}", **headers})
        return response


@pytest.fixture
def caller(site):
    return lambda subject=None: Caller(site, subject or unique("user:u"))


# Module scope: Playwright's sync API keeps an asyncio loop running in this thread while it is
# started, which would break the later tests that call asyncio.run().
@pytest.fixture(scope="module")
def playwright_driver():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver, chromium_path):
    # launch() gives the browser a fresh temporary user-data-dir of its own, removed at close.
    browser = playwright_driver.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="run-", dir=ARTIFACTS))
    print(f"\nbrowser test screenshots: {path}")
    return path


# A failed request the test provoked on purpose is logged by Chromium as "Failed to load resource";
# those are checked against what the test expects, every other console error fails the test.
_FAILED_LOAD = re.compile(r"status of (\d{3})")


class Tab:
    """A page in its own browser context, recording console errors and page errors."""

    def __init__(self, context, base_url: str):
        self.context, self.base_url = context, base_url
        self.page = context.new_page()
        self.errors: list[str] = []
        self.failed_loads: list[int] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        failed = _FAILED_LOAD.search(message.text)
        if failed and "Failed to load resource" in message.text:
            self.failed_loads.append(int(failed.group(1)))
        else:
            self.errors.append(message.text)

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def assert_clean(self, allowed_statuses=()) -> None:
        assert not self.errors, self.errors
        unexpected = [s for s in self.failed_loads if s not in allowed_statuses]
        assert not unexpected, f"requests failed that the test did not provoke: {unexpected}"


@pytest.fixture
def open_tab(browser, site):
    contexts = []

    def make(viewport=DESKTOP) -> Tab:
        context = browser.new_context(viewport=viewport, base_url=site.url, timezone_id="UTC")
        context.set_default_timeout(EXPECT_TIMEOUT_MS)
        contexts.append(context)
        return Tab(context, site.url)

    yield make
    for context in contexts:
        context.close()
