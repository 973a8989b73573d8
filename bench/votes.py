"""Vote throughput against a no-op Celery task on the same broker and worker (issue 3).

    .venv/bin/python -m bench.votes [--voters 2000] [--clients 32]

One worker (devstack worker_command: all queues, one child per core) runs the votes and, loaded
with `--include bench.noop_tasks`, the baseline task. Phases, each with N tasks on the `votes`
queue:
1. no-op drain: N `bench.noop` messages queued while the worker does not consume `votes`, then
   the consumer is added; rate = N / time until the N tasks ran.
2. vote drain: N votes POSTed to the API (gunicorn) while the worker does not consume `votes`
   (this measures the HTTP submit rate alone), then the consumer is added; rate = N / time until
   the N votes are rows counted in the tally.
3. end to end: N voters POST on a second proposal while the worker consumes; rate = N / time from
   the first POST to the last vote counted.
4. the no-op drain again; the baseline is the mean of 1 and 4.
Target: end-to-end rate >= 70% of the no-op rate. The CPU each process group spent per task or
vote in each phase is printed too (psutil), which shows where a vote's cost goes.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from bench._data import active_proposal, dao_with_voters, voter
from bench._stack import CpuMeter, bench_stack, machine, report, verdict
from governance.vocabulary import VOTE_CHOICES

TARGET = 0.70


def node_name(worker) -> str:
    return worker.command[worker.command.index("-n") + 1].replace("%h", socket.gethostname())


def consume_votes(node: str, on: bool) -> None:
    from worker.app import celery_app

    control = celery_app.control
    replies = (control.add_consumer if on else control.cancel_consumer)("votes", destination=[node], reply=True, timeout=5)
    if not replies:
        raise RuntimeError(f"worker {node} did not answer the consumer change")


def post_votes(api: str, dao, proposal, voters: range, clients: int) -> tuple[float, float, dict]:
    """POST one vote per voter from `clients` threads (one requests.Session each); returns
    (start, end, status counts)."""
    from api.auth import mint_token

    url = f"{api}/api/v1/daos/{dao.slug}/proposals/{proposal.slug}/votes"
    tokens = {i: mint_token(voter(i)) for i in voters}
    local, statuses, lock = threading.local(), {}, threading.Lock()

    def one(i: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        response = local.session.post(url, json={"choice": VOTE_CHOICES[i % 3]}, headers={"Authorization": f"Bearer {tokens[i]}"}, timeout=60)
        with lock:
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    start = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, voters))
    return start, time.monotonic(), statuses


def counter(conn, proposal):
    def count() -> int:
        return conn.execute("SELECT count(*) FROM votes WHERE proposal_id = %s", (proposal.id,)).fetchone()[0]

    return count


def tally_voters(api: str, dao, proposal) -> int:
    from api.auth import mint_token

    response = requests.get(
        f"{api}/api/v1/daos/{dao.slug}/proposals/{proposal.slug}/tally",
        headers={"Authorization": f"Bearer {mint_token(dao.owner_subject_id)}"}, timeout=30,
    )
    response.raise_for_status()
    return response.json()["voters"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP client threads")
    args = parser.parse_args()
    n = args.voters

    with bench_stack("votes") as bench:
        from bench.noop_tasks import COUNTER, noop
        from infra.redis import redis_client

        api = bench.api()
        worker = bench.worker(include=("bench.noop_tasks",))
        node = node_name(worker)
        conn = bench.connect()
        dao = dao_with_voters(conn, n)
        drained, live = active_proposal(dao), active_proposal(dao)
        redis = redis_client()

        groups = bench.process_groups()
        cpu = {}

        def noop_drain() -> tuple[float, tuple]:
            """N no-op tasks queued while `votes` is not consumed, then drained: tasks/s."""
            consume_votes(node, False)
            redis.set(COUNTER, 0)
            for _ in range(n):
                noop.apply_async(queue="votes")
            consume_votes(node, True)
            meter = CpuMeter(groups).start()
            t0 = time.monotonic()
            t1 = bench.wait_until(lambda: int(redis.get(COUNTER)) >= n, timeout=600, what="no-op tasks")
            return n / (t1 - t0), (meter.stop(), meter.elapsed, "task")

        # 1. no-op baseline (measured again at the end: the machine's load may change meanwhile)
        noop_before, cpu["no-op drain"] = noop_drain()

        # 2. votes queued over HTTP, then drained
        consume_votes(node, False)
        meter = CpuMeter(groups).start()
        s0, s1, statuses = post_votes(api, dao, drained, range(n), args.clients)
        cpu["HTTP submit"] = (meter.stop(), meter.elapsed, "vote")
        submit_rate = n / (s1 - s0)
        consume_votes(node, True)
        meter = CpuMeter(groups).start()
        t0 = time.monotonic()
        t1 = bench.wait_until(lambda: counter(conn, drained)() >= n, timeout=600, what="drained votes")
        t2 = bench.wait_until(lambda: redis.llen("votes") == 0 and redis.hlen("unacked") == 0, timeout=600, what="empty queue")
        cpu["vote drain"] = (meter.stop(), meter.elapsed, "vote")
        drain_rate, drain_empty_rate = n / (t1 - t0), n / (t2 - t0)
        assert tally_voters(api, dao, drained) == n

        # 3. end to end, the worker consuming while voters POST
        meter = CpuMeter(groups).start()
        e0, e1, live_statuses = post_votes(api, dao, live, range(n), args.clients)
        e2 = bench.wait_until(lambda: counter(conn, live)() >= n, timeout=600, what="live votes")
        cpu["end to end"] = (meter.stop(), meter.elapsed, "vote")
        e2e_rate, live_submit_rate = n / (e2 - e0), n / (e1 - e0)
        assert tally_voters(api, dao, live) == n
        noop_after, _ = noop_drain()
        noop_rate = (noop_before + noop_after) / 2
        failed = conn.execute("SELECT count(*) FROM jobs WHERE kind = 'cast_vote' AND status <> 'succeeded'").fetchone()[0]

        ratio = e2e_rate / noop_rate
        report(f"bench/votes.py: {n} voters, {args.clients} client threads; {machine()}", [
            ("no-op task drain (baseline)", f"{noop_rate:8.1f} tasks/s   (mean of {noop_before:.1f} before and {noop_after:.1f} after)"),
            ("HTTP submit, worker idle", f"{submit_rate:8.1f} votes/s   statuses {statuses}"),
            ("vote drain, POSTed -> counted", f"{drain_rate:8.1f} votes/s   ({drain_rate / noop_rate:.0%} of no-op)"),
            ("vote drain, until queue empty", f"{drain_empty_rate:8.1f} votes/s   ({drain_empty_rate / noop_rate:.0%} of no-op)"),
            ("HTTP submit, worker busy", f"{live_submit_rate:8.1f} votes/s   statuses {live_statuses}"),
            ("end to end, POST -> counted", f"{e2e_rate:8.1f} votes/s   ({ratio:.0%} of no-op)"),
            ("vote jobs not succeeded", str(failed)),
            ("target: end to end >= 70% of no-op", verdict(ratio >= TARGET)),
        ])
        report("CPU by process during each phase (2 cores = 2.00)", [
            (phase, CpuMeter.describe(used, elapsed, n, unit)) for phase, (used, elapsed, unit) in cpu.items()
        ])


if __name__ == "__main__":
    main()
