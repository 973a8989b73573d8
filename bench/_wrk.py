"""The HTTP load generator of the benchmarks: `wrk` (Debian package), driven by bench/votes.lua.

A Python client caps a server near 460 requests/s on these 2 cores (PITFALLS), so the HTTP rates
are read with wrk. `ensure_wrk()` installs it with apt-get when it is missing; `run()` returns
what the script's done() printed plus the CPU wrk itself used.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("votes.lua")
THREADS = 2  # one per core: wrk's threads are event loops, more would only compete with the servers


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian's package when it is not on PATH."""
    found = shutil.which("wrk")
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
        subprocess.run(install, check=True, capture_output=True)
    return shutil.which("wrk") or "/usr/bin/wrk"


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    errors: dict[str, int]
    latency_ms: dict[str, float]
    cpu_seconds: float  # wrk's own user + system time

    def count(self, status_class: int = 2) -> int:
        """Responses whose status is in the class (2 -> 2xx)."""
        return sum(n for status, n in self.statuses.items() if status // 100 == status_class)

    @property
    def rate(self) -> float:
        """Successful (2xx) responses per second."""
        return self.count() / self.seconds

    def describe(self) -> str:
        errors = {k: v for k, v in self.errors.items() if v}
        lat = self.latency_ms
        return (f"statuses {dict(sorted(self.statuses.items()))}{f', errors {errors}' if errors else ''}; "
                f"latency p50 {lat['p50']:.0f} ms, p99 {lat['p99']:.0f} ms")


def run(url: str, path: str, tokens_file: Path, seconds: int, connections: int) -> WrkResult:
    """POST to `url` + `path` from `connections` connections for `seconds`, a bearer token of
    `tokens_file` (one a line) in turn on each request."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [ensure_wrk(), "-t", str(THREADS), "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "30s",
         "-s", str(SCRIPT), url, "--", path, str(tokens_file), str(THREADS)],
        capture_output=True, text=True, timeout=seconds + 120,
    )
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in out.stdout.splitlines() if line.startswith("WRK-RESULT "))
    data = json.loads(line.removeprefix("WRK-RESULT "))
    return WrkResult(
        requests=data["requests"], seconds=data["duration_us"] / 1e6,
        statuses={int(k): v for k, v in data["statuses"].items()}, errors=data["errors"],
        latency_ms={k: v / 1000 for k, v in data["latency_us"].items()},
        cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    )
