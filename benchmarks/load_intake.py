"""Load: intake POSTs per second and their latency, against a trivial JSON view of the same app.

Starts a throw-away production-like server (tools/testserver.py: gunicorn on 127.0.0.1, one
sync worker per CPU by default, DEBUG off, demo data), then drives it with wrk
(Debian's `wrk`; `make bench-load` installs it when missing), a closed loop: each connection
sends its next request when the previous answer arrives.

1. `GET /api/v1/health/` — no database, no session: the framework's own cost;
2. `GET /api/v1/dossiers/<code>/` as the demo counter officer (token) — for context, not a
   target: an authenticated, agency-scoped read of one dossier with its events;
3. `POST /api/v1/dossiers/` as the same officer — a real intake: code allocation, due-instant
   computation, event and history rows, in one transaction.

Each phase runs for a bounded time after a short warm-up and goes to 127.0.0.1 only
(benchmarks/load_intake.lua builds the requests and reports). Targets: intake throughput >= 50%
of the health view's, intake p99 < 100 ms, no errors. Exit status 1 when a target is missed.
Figures and how to read them: docs/benchmarks.md, "Load".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.testserver import _manage, throwaway_server

LUA = Path(__file__).with_suffix(".lua")
RESULT_PREFIX = "WRK_RESULT "


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    mean_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"{self.name:<22} {self.requests:>6} req {self.seconds:>5.1f} s {self.per_second:>8.1f} req/s   "
            f"p50 {self.p50_ms:>6.1f} ms  p99 {self.p99_ms:>6.1f} ms  mean {self.mean_ms:>6.1f} ms  "
            f"errors {self.errors}"
        )


def wrk(base_url: str, name: str, phase: str, *, seconds: float, connections: int, env: dict) -> Result:
    """One wrk run of `phase` (see the .lua script) for `seconds`, with `connections` in flight."""
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments, against loopback
        [
            shutil.which("wrk") or "wrk", "--threads", "1", "--connections", str(connections),
            "--duration", f"{seconds:g}s", "--timeout", "10s", "--script", str(LUA), base_url,
        ],
        env={**os.environ, **env, "LOAD_PHASE": phase},
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    )
    line = next((row for row in done.stdout.splitlines() if row.startswith(RESULT_PREFIX)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix(RESULT_PREFIX))
    return Result(
        name=name,
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        errors=raw["status_errors"] + raw["socket_errors"],
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        mean_ms=raw["mean_us"] / 1000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    cpus = os.cpu_count() or 1
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each measured phase (default 15)")
    parser.add_argument(
        "--workers", type=int, default=cpus, help=f"gunicorn workers (default: one per CPU, {cpus} here)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (default 1)")
    parser.add_argument(
        "--connections", type=int, default=2 * cpus, help=f"requests in flight (default: 2 per CPU, {2 * cpus} here)"
    )
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("Cần wrk: sudo apt-get install wrk / wrk is required (Debian package 'wrk').", file=sys.stderr)
        return 2

    with throwaway_server(workers=args.workers, threads=args.threads, database_url=args.database_url) as server:
        token = _manage(server.env, "create_api_token", "motcua", "--name=load").strip()
        address = urlsplit(server.base_url)
        connection = http.client.HTTPConnection(address.hostname, address.port)
        connection.request(
            "GET", "/api/v1/procedures/?agency=SGDDT&is_active=true", headers={"Authorization": f"Token {token}"}
        )
        procedure = json.loads(connection.getresponse().read())["results"][0]["code"]
        connection.request("GET", "/api/v1/dossiers/?agency=SGDDT", headers={"Authorization": f"Token {token}"})
        dossier = json.loads(connection.getresponse().read())["results"][0]["code"]
        connection.close()

        env = {"LOAD_TOKEN": token, "LOAD_PROCEDURE": procedure, "LOAD_AGENCY": "SGDDT", "LOAD_DOSSIER": dossier}
        common = {"connections": args.connections, "env": env}
        wrk(server.base_url, "warm-up", "health", seconds=2, **common)
        wrk(server.base_url, "warm-up", "read", seconds=2, **common)
        wrk(server.base_url, "warm-up", "intake", seconds=2, **common)
        trivial = wrk(server.base_url, "GET /api/v1/health/", "health", seconds=args.seconds, **common)
        read = wrk(server.base_url, "GET /api/v1/dossiers/…/", "read", seconds=args.seconds, **common)
        real = wrk(server.base_url, "POST /api/v1/dossiers/", "intake", seconds=args.seconds, **common)
        logged = server.errors()

    database = "PostgreSQL" if args.database_url and args.database_url.startswith("postgres") else "SQLite"
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; gunicorn "
        f"{args.workers} workers x {args.threads} threads, {database}; wrk, {args.connections} connections, "
        "on the same machine"
    )
    print(trivial.line())
    print(read.line())
    print(real.line())
    if logged:
        print(f"server errors logged:\n{logged[-3000:]}")
    ratio = real.per_second / trivial.per_second if trivial.per_second else 0.0
    checks = [
        (f"intake / health throughput = {ratio:.0%} (target >= 50%)", ratio >= 0.5),
        (f"intake p99 = {real.p99_ms:.1f} ms (target < 100 ms)", real.p99_ms < 100),
        (f"errors = {trivial.errors + read.errors + real.errors} (target 0)",
         not (trivial.errors or read.errors or real.errors or logged)),
    ]
    print(f"intake / authenticated read throughput = {real.per_second / read.per_second:.0%} (context, no target)")
    for text, ok in checks:
        print(f"{text}: {'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
