"""An idle fetch is not an outage (issue 11, item 10): the reward consumer, against the real NATS
of the session with nothing to consume, fetches again and again without logging "NATS
unavailable" nor reconnecting, whatever its fetch timeout (the shorter it is, the more often
nats-py's fetch ends in its plain-TimeoutError branch, which escaped as an outage); a NATS that
really is not there is still reported and retried."""

from __future__ import annotations

import asyncio
import logging

import pytest

import consumer
from devstack.osutil import find_free_port
from tests.conftest import settings_from


def run_consumer(seconds: float) -> None:
    async def main():
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.consume(stop))
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.wait_for(task, 15)

    asyncio.run(main())


def messages(caplog, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "consumer" and text in r.getMessage()]


@pytest.mark.parametrize("fetch_timeout", [0.0005, 0.002, 0.01, 0.05, 1])
def test_an_idle_consumer_logs_no_outage_and_keeps_its_connection(stack, caplog, monkeypatch, fetch_timeout):
    monkeypatch.setattr(consumer, "FETCH_TIMEOUT_SECONDS", fetch_timeout)
    caplog.set_level(logging.INFO, logger="consumer")
    run_consumer(3)
    assert messages(caplog, "NATS unavailable") == []
    assert len(messages(caplog, "consumer ready")) == 1, "the consumer reconnected"


def test_a_nats_that_is_not_there_is_still_an_outage(stack, caplog):
    caplog.set_level(logging.INFO, logger="consumer")
    with settings_from(NATS_URL=f"nats://127.0.0.1:{find_free_port()}"):
        run_consumer(2)
    assert messages(caplog, "NATS unavailable") and not messages(caplog, "consumer ready")
