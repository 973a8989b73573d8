"""``python -m devstack up``: run the whole stack locally (see devstack/up.py)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description="Local development stack.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "up",
        help="start embedded Postgres/Redis/NATS (for unset DATABASE_URL/REDIS_URL/NATS_URL), "
        "migrate, and run api, worker, beat, consumer and flower until Ctrl-C",
    )
    args = parser.parse_args(argv)
    if args.command == "up":
        from devstack.up import run

        return run()
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
