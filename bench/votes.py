"""Vote throughput as a client sees it, against the same server doing nothing (issues 3, 14).

    .venv/bin/python -m bench.votes [--voters 400] [--connections 32] [--seconds 10] [--tasks 2000]
                                    [--profile DIR]

HTTP load comes from `wrk` (installed with apt-get when missing) and bench/votes.lua, which
POSTs votes with bearer tokens rotating over the voters. Everything is read through HTTP (wrk's
status counts) and the database (the `jobs` rows of SPEC 3: a vote is counted once its job is
finished), never through the vote path's internals, so the bench keeps measuring when that path
changes. One worker (devstack worker_command: all queues, one child per core, plus the no-op task
of bench/noop_tasks.py) and the API (gunicorn, api/gunicorn_conf.py) run throughout.

Phases (the baselines measured at the start and again at the end; each ratio is against the mean):
1. minimal endpoint: wrk against bench/minimal_app.py under the same gunicorn settings.
2. no-op drain: N `bench.noop` tasks queued on `votes` while the worker consumes nothing, then
   the consumers are added back; rate = N / time until the N ran.
3. vote POST, worker idle: wrk against the vote route while the worker consumes no queue
   (rate = 2xx answers / wrk's duration).
4. vote drain: the consumers are added back; rate = vote jobs recorded in 3 (the database's
   count: wrk stops with requests in flight) / time until every one is finished, i.e. votes
   recorded per second by the worker. Also printed: when the worker is idle again (its CPU
   below 0.05 cores), which includes whatever it still does for votes already recorded.
5. vote POST, worker busy, and end to end: wrk against a second proposal while the worker
   consumes; end to end = vote jobs recorded / time from the first POST to the last finished.
A voter votes again each time its token comes round (vote change is allowed): every accepted
POST is a job the worker must finish. The CPU each process group spent per request, task or vote
in each phase is printed too (psutil, children included; wrk's from getrusage; the drain and end
to end phases last until the worker is idle), with the 1-minute load average at its start.
The API's rate limit is lifted (the limiter still runs) so that the 400 voters never get a 429.
The worker's log gives, per phase, the drain tasks (`governance.drain_votes`, one per proposal
while votes keep coming, each logging the number of votes it recorded as its result) and the
tasks of single votes (`governance.cast_vote`: none since issue 14). With --profile DIR, py-spy
records the API's processes (on-CPU samples, collapsed stacks) during the idle-worker POST phase
into DIR/api.txt (py-spy must be installed; the phase's rates then include its sampling cost).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench import _wrk
from bench._data import active_proposal, dao_with_voters, voter
from bench._stack import CpuMeter, bench_stack, machine, report, verdict, wait_idle

# The targets of issue 14 (ratios in one run).
POST_TARGET, E2E_TARGET, DRAIN_TARGET = 0.35, 0.30, 2.50
VOTE_JOB_KIND = "cast_vote"  # the jobs row of every vote request (SPEC 3, `GET /jobs/<id>`)
MINIMAL_APP = "bench.minimal_app:create_app()"
DRAIN_DONE = re.compile(r"Task governance\.drain_votes\[[^\]]+\] succeeded in [0-9.]+s: \{'votes': (\d+)")
VOTE_TASK = re.compile(r"Task governance\.cast_vote\[[^\]]+\] (?:received|succeeded)")


def worker_tasks(log: str) -> tuple[int, int, int]:
    """(drain tasks finished, votes they recorded, single-vote task lines) in a worker log."""
    drained = [int(n) for n in DRAIN_DONE.findall(log)]
    return len(drained), sum(drained), len(VOTE_TASK.findall(log))


def unfinished_votes(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM jobs WHERE kind = %s AND status IN ('queued', 'running')", (VOTE_JOB_KIND,)
    ).fetchone()[0]


def vote_jobs(conn) -> int:
    return conn.execute("SELECT count(*) FROM jobs WHERE kind = %s", (VOTE_JOB_KIND,)).fetchone()[0]


def tally_voters(api: str, dao, proposal) -> int:
    from api.auth import mint_token

    response = requests.get(
        f"{api}/api/v1/daos/{dao.slug}/proposals/{proposal.slug}/tally",
        headers={"Authorization": f"Bearer {mint_token(dao.owner_subject_id)}"}, timeout=30,
    )
    response.raise_for_status()
    return response.json()["voters"]


@contextlib.contextmanager
def profiled(pid: int, folder: Path | None, seconds: int):
    """py-spy on `pid` and its children for the block (nothing without `folder`)."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    proc = subprocess.Popen([str(spy), "record", "-p", str(pid), "--subprocesses", "-r", "100", "-d", str(seconds),
                             "-f", "raw", "-o", str(folder / "api.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        proc.wait(timeout=seconds + 60)


def votes_path(dao, proposal) -> str:
    return f"/api/v1/daos/{dao.slug}/proposals/{proposal.slug}/votes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=400, help="voters whose tokens the requests rotate over")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk phase")
    parser.add_argument("--tasks", type=int, default=2000, help="no-op tasks per baseline drain")
    parser.add_argument("--profile", type=Path, help="py-spy the API during the idle-worker POST phase into DIR")
    args = parser.parse_args()
    _wrk.ensure_wrk()

    with bench_stack("votes") as bench:
        from api.auth import mint_token
        from bench.noop_tasks import COUNTER, noop
        from infra.redis import redis_client

        # The limiter still runs on every POST; its limit is lifted so that no vote gets a 429.
        api = bench.api(RATE_LIMIT_PER_MINUTE=10**9)
        minimal_url = bench.api(app=MINIMAL_APP, name="minimal")
        worker = bench.worker(include=("bench.noop_tasks",))
        conn = bench.connect()
        dao = dao_with_voters(conn, args.voters)
        warm, idle, busy = (active_proposal(dao) for _ in range(3))
        tokens = Path(bench.stack.base) / "tokens"
        tokens.write_text("".join(f"{mint_token(voter(i), ttl_seconds=6 * 3600)}\n" for i in range(args.voters)))
        redis = redis_client()
        groups = bench.process_groups()
        cpu: dict[str, tuple] = {}  # phase -> (CPU seconds by group, elapsed, units done, unit, load)
        tasks: dict[str, tuple] = {}  # phase -> worker_tasks() of the worker's log during it

        @contextlib.contextmanager
        def phase(name: str, unit: str):
            """CPU of every process group while the block runs; the block sets done["units"]
            and, when it ran wrk, done["wrk"]."""
            load, meter, done = os.getloadavg()[0], CpuMeter(groups).start(), {}
            logged = len(worker.log())
            yield done
            used = meter.stop()
            tasks[name] = worker_tasks(worker.log()[logged:])
            if "wrk" in done:
                used["wrk (client)"] = done["wrk"].cpu_seconds
            cpu[name] = (used, meter.elapsed, done["units"], unit, load)

        def wrk(url: str, path: str, seconds: int = args.seconds) -> _wrk.WrkResult:
            return _wrk.run(url, path, tokens, seconds, args.connections)

        def minimal_rate(name: str) -> _wrk.WrkResult:
            with phase(name, "request") as done:
                done["wrk"] = wrk(minimal_url, "/ping")
                done["units"] = done["wrk"].count()
            return done["wrk"]

        # The worker consumes no queue while the work piles up ("idle" whichever queue the vote
        # path uses), then every queue again.
        def noop_drain(name: str) -> float:
            """N no-op tasks queued while the worker consumes nothing, then drained: tasks/s."""
            bench.consume(worker, False)
            redis.set(COUNTER, 0)
            for _ in range(args.tasks):
                noop.apply_async(queue="votes")
            with phase(name, "task") as done:
                t0 = time.monotonic()
                bench.consume(worker, True)
                t1 = bench.wait_until(lambda: int(redis.get(COUNTER)) >= args.tasks, timeout=600, what="no-op tasks")
                done["units"] = args.tasks
            return args.tasks / (t1 - t0)

        def counted(what: str) -> float:
            """When no vote job is left unfinished (every accepted vote recorded)."""
            return bench.wait_until(lambda: unfinished_votes(conn) == 0, timeout=900, poll=0.02, what=what)

        def settled() -> float:
            """When the worker has nothing left to do (e.g. messages of votes already recorded)."""
            return wait_idle(worker.proc.pid)

        # Warm-up: both servers' connections and pools, the worker's first votes.
        wrk(minimal_url, "/ping", seconds=2)
        wrk(api, votes_path(dao, warm), seconds=2)
        counted("the warm-up votes")
        settled()

        # 1, 2. baselines
        minimal_first = minimal_rate("minimal endpoint")
        noop_before = noop_drain("no-op drain")

        # 3, 4. POSTs while the worker is idle, then their drain
        bench.consume(worker, False)
        jobs_before = vote_jobs(conn)
        with phase("vote POST, worker idle", "vote") as done, profiled(groups["api"], args.profile, args.seconds):
            idle_post = done["wrk"] = wrk(api, votes_path(dao, idle))
            done["units"] = idle_post.count()
        accepted_idle = vote_jobs(conn) - jobs_before  # wrk stops counting with requests in flight
        with phase("vote drain", "vote") as done:
            t0 = time.monotonic()
            bench.consume(worker, True)
            t1 = counted("the idle phase's votes")
            t2 = settled()
            done["units"] = accepted_idle
        drain_rate = accepted_idle / (t1 - t0)

        # 5. POSTs while the worker consumes: the POST rate under load and end to end
        jobs_before = vote_jobs(conn)
        with phase("end to end (POST, worker busy)", "vote") as done:
            e0 = time.monotonic()
            busy_post = done["wrk"] = wrk(api, votes_path(dao, busy))
            e1 = counted("the busy phase's votes")
            e2 = settled()
            accepted_busy = done["units"] = vote_jobs(conn) - jobs_before
        e2e_rate = accepted_busy / (e1 - e0)

        # the baselines again: the machine's load may have changed meanwhile
        noop_after = noop_drain("no-op drain (again)")
        minimal_last = minimal_rate("minimal endpoint (again)")
        noop_rate, minimal = (noop_before + noop_after) / 2, (minimal_first.rate + minimal_last.rate) / 2
        failed = conn.execute(
            "SELECT status, count(*) FROM jobs WHERE kind = %s AND status <> 'succeeded' GROUP BY status", (VOTE_JOB_KIND,)
        ).fetchall()
        voters_idle, voters_busy = tally_voters(api, dao, idle), tally_voters(api, dao, busy)

        post_idle, post_busy = idle_post.rate / minimal, busy_post.rate / minimal
        e2e, drain = e2e_rate / minimal, drain_rate / noop_rate
        report(f"bench/votes.py: {args.voters} voters, {args.connections} wrk connections, "
               f"{args.seconds:g} s per phase; {machine()}", [
            ("minimal endpoint (baseline)", f"{minimal:8.1f} req/s    (mean of {minimal_first.rate:.1f} before and "
                                            f"{minimal_last.rate:.1f} after; {minimal_first.describe()})"),
            ("no-op task drain (baseline)", f"{noop_rate:8.1f} tasks/s  (mean of {noop_before:.1f} before and {noop_after:.1f} after)"),
            ("vote POST, worker idle", f"{idle_post.rate:8.1f} votes/s  {post_idle:6.1%} of minimal; {idle_post.describe()}"),
            ("vote drain (recorded by the worker)", f"{drain_rate:8.1f} votes/s  {drain:6.1%} of no-op; {accepted_idle} votes "
                                                    f"accepted; worker idle again {t2 - t1:.1f} s after the last was recorded "
                                                    f"({accepted_idle / (t2 - t0):.1f} votes/s until then)"),
            ("vote POST, worker busy", f"{busy_post.rate:8.1f} votes/s  {post_busy:6.1%} of minimal; {busy_post.describe()}"),
            ("end to end, accepted -> counted", f"{e2e_rate:8.1f} votes/s  {e2e:6.1%} of minimal; {accepted_busy} votes "
                                                f"accepted, the last counted {e1 - e0 - busy_post.seconds:.1f} s after wrk stopped, "
                                                f"worker idle {e2 - e1:.1f} s later"),
            ("tally voters (idle, busy proposals)", f"{voters_idle}, {voters_busy} of {args.voters}"),
            ("vote jobs not succeeded", ", ".join(f"{s} {n}" for s, n in failed) or "0"),
            (f"target: POST (idle) >= {POST_TARGET:.0%} of minimal", verdict(post_idle >= POST_TARGET)),
            (f"target: end to end >= {E2E_TARGET:.0%} of minimal", verdict(e2e >= E2E_TARGET)),
            (f"target: drain >= {DRAIN_TARGET:.0%} of no-op", verdict(drain >= DRAIN_TARGET)),
        ])
        report("worker tasks during each phase (from its log)", [
            (phase, f"{drains} drain tasks recorded {recorded} votes ({recorded / max(drains, 1):.0f} per drain); "
                    f"{singles} single-vote task lines")
            for phase, (drains, recorded, singles) in tasks.items() if drains or singles
        ])
        report("CPU by process during each phase (2 cores = 2.00; load = 1-min load average at its start)", [
            (f"{phase} (load {load:.1f})", CpuMeter.describe(used, elapsed, per, unit))
            for phase, (used, elapsed, per, unit, load) in cpu.items()
        ])


if __name__ == "__main__":
    main()
