"""A worker's resident memory over many processed votes (issues 3, 14).

    .venv/bin/python -m bench.memory [--votes 20000] [--per-proposal 10000]
    .venv/bin/python -m bench.memory --votes 100000        # the target's count (about 7 minutes)

One worker (devstack worker_command: all queues, one child per core). Votes are recorded as the
API records them (a queued `cast_vote` job row each, bulk-inserted, then the proposal's drain
nudged as the API nudges it after each commit: services.jobs.nudge_drain, one
`governance.drain_votes` unless one is on its way), on proposals of --per-proposal voters activated through the services (real
snapshots). After a warm-up of 2,000 votes, the RSS of the worker's processes (from /proc via
psutil) is read, then after every proposal's votes are all counted and the queue is empty.
Target: the worker grows by less than 50 MB over 100,000 processed votes.
"""

from __future__ import annotations

import argparse
import math
import time

from bench._data import active_proposal, dao_with_voters, record_vote_jobs
from bench._stack import bench_stack, machine, mib, report, tree_rss, verdict

TARGET_MB = 50
WARMUP = 2000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--votes", type=int, default=20_000)
    parser.add_argument("--per-proposal", type=int, default=10_000)
    args = parser.parse_args()
    per = min(args.per_proposal, args.votes)

    with bench_stack("memory") as bench:
        from infra.redis import redis_client
        from services.jobs import nudge_drain

        conn = bench.connect()
        redis = redis_client()
        dao = dao_with_voters(conn, max(per, WARMUP))
        worker = bench.worker()
        cold = tree_rss(worker.proc.pid)

        def process(proposal, voters: range) -> None:
            """Record and send the votes of `voters`, then wait until all are counted and the
            worker has emptied the queue."""
            record_vote_jobs(conn, dao, proposal, voters)
            nudge_drain("cast_vote", str(proposal.id))

            def done() -> bool:
                counted = conn.execute("SELECT count(*) FROM votes WHERE proposal_id = %s", (proposal.id,)).fetchone()[0]
                return counted >= len(voters) and redis.llen("votes") == 0 and redis.hlen("unacked") == 0

            bench.wait_until(done, timeout=3600, poll=0.2, what="votes counted")

        process(active_proposal(dao), range(WARMUP))
        warm = tree_rss(worker.proc.pid)
        samples, t0, processed = [], time.monotonic(), 0
        for _ in range(math.ceil(args.votes / per)):
            count = min(per, args.votes - processed)
            process(active_proposal(dao), range(count))
            processed += count
            samples.append((processed, sum(tree_rss(worker.proc.pid).values())))
        elapsed = time.monotonic() - t0
        after = tree_rss(worker.proc.pid)
        failed = conn.execute("SELECT count(*) FROM jobs WHERE kind = 'cast_vote' AND status <> 'succeeded'").fetchone()[0]

    growth = {pid: after.get(pid, 0) - warm.get(pid, 0) for pid in warm}
    total_growth = sum(after.values()) - sum(warm.values())
    report(f"bench/memory.py: {processed} votes after a {WARMUP}-vote warm-up; {machine()}", [
        ("processing rate", f"{processed / elapsed:.0f} votes/s (recording and sending included)"),
        ("vote jobs not succeeded", str(failed)),
        ("worker RSS at start", f"{mib(sum(cold.values()))} ({', '.join(mib(v) for v in cold.values())})"),
        ("worker RSS after warm-up", f"{mib(sum(warm.values()))} ({', '.join(mib(v) for v in warm.values())})"),
        ("worker RSS at the end", f"{mib(sum(after.values()))} ({', '.join(mib(v) for v in after.values())})"),
        ("growth per process", ", ".join(f"{pid}: {mib(v)}" for pid, v in growth.items())),
        ("growth of the worker (all processes)", mib(total_growth)),
        ("RSS along the run", ", ".join(f"{n}: {mib(rss)}" for n, rss in samples)),
        (f"target: growth < {TARGET_MB} MB over 100,000 votes",
         verdict(total_growth < TARGET_MB * 2**20) + ("" if processed >= 100_000 else f" (over {processed} votes; run --votes 100000)")),
    ])


if __name__ == "__main__":
    main()
