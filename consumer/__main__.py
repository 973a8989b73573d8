"""`python -m consumer`: run the reward consumer until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from consumer import consume, log
from infra.config import get_settings


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await consume(stop)


if __name__ == "__main__":
    logging.basicConfig(level=get_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.info("consumer starting")
    asyncio.run(main())
