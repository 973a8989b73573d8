"""`python -m consumer`: run the reward consumer until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import signal

from consumer import consume, log
from infra.logging import configure_logging


async def main() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await consume(stop)


if __name__ == "__main__":
    configure_logging()  # JSON lines, like every other process (SPEC 9)
    log.info("consumer starting")
    asyncio.run(main())
