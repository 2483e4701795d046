"""Load: intake POSTs per second and their latency, against a trivial JSON view of the same app.

Starts a throw-away production-like server (tools/testserver.py: gunicorn on 127.0.0.1, DEBUG
off, demo data), then drives it from a pool of client threads, each with its own keep-alive
connection (closed loop: a thread sends its next request when the previous answer arrives):

1. `GET /api/v1/health/` — no database, no session: the framework's own cost;
2. `POST /api/v1/dossiers/` as the demo counter officer (token) — a real intake: code
   allocation, due-instant computation, event and history rows, in one transaction.

Every request is bounded in count and time, and goes to 127.0.0.1 only. Targets: intake
throughput >= 50% of the health view's, intake p99 < 100 ms, no errors. Exit status 1 when a
target is missed. Figures and how to read them: docs/benchmarks.md, "Load".
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.testserver import _manage, throwaway_server


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    def line(self) -> str:
        mean = statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.name:<22} {self.count:>6} req {self.seconds:>6.1f} s {self.per_second:>8.1f} req/s   "
            f"p50 {self.percentile(50):>6.1f} ms  p99 {self.percentile(99):>6.1f} ms  mean {mean:>6.1f} ms  "
            f"errors {len(self.errors)}"
        )


def drive(base_url: str, name: str, make_request, *, requests: int, threads: int, max_seconds: float) -> Result:
    """Send `requests` requests from `threads` threads; stop early after `max_seconds`."""
    host = urlsplit(base_url)
    result = Result(name)
    lock = threading.Lock()
    issued = iter(range(requests))
    deadline = time.perf_counter() + max_seconds

    def worker():
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        local_latencies, local_errors = [], []
        while time.perf_counter() < deadline:
            with lock:
                number = next(issued, None)
            if number is None:
                break
            method, path, body, headers = make_request(number)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                if response.status >= 300:
                    local_errors.append(f"{response.status} {payload[:120]!r}")
                else:
                    local_latencies.append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                local_errors.append(repr(exc))
                connection.close()
                connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        connection.close()
        with lock:
            result.latencies.extend(local_latencies)
            result.errors.extend(local_errors)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="requests per phase (default 1500)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time cap per phase")
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()

    with throwaway_server(workers=args.workers, database_url=args.database_url) as server:
        token = _manage(server.env, "drf_create_token", "motcua").split()[2]
        auth = {"Authorization": f"Token {token}"}
        connection = http.client.HTTPConnection(urlsplit(server.base_url).hostname, urlsplit(server.base_url).port)
        connection.request("GET", "/api/v1/procedures/?agency=SGDDT&is_active=true", headers=auth)
        procedure = json.loads(connection.getresponse().read())["results"][0]["code"]
        connection.close()

        def health(_number):
            return "GET", "/api/v1/health/", None, {}

        def intake(number):
            body = json.dumps(
                {
                    "procedure": procedure,
                    "agency": "SGDDT",
                    "applicant_name": f"Người nộp thử {number}",
                    "applicant_phone": f"09{number % 100_000_000:08d}",
                    "applicant_id_number": f"{number:012d}",
                    "channel": "counter",
                    "documents": [{"name": "Đơn đề nghị", "kind": "original", "count": 1}],
                }
            )
            return "POST", "/api/v1/dossiers/", body, {**auth, "Content-Type": "application/json"}

        common = {"threads": args.threads, "max_seconds": args.max_seconds}
        drive(server.base_url, "warm-up", health, requests=200, **common)
        drive(server.base_url, "warm-up", intake, requests=50, **common)
        trivial = drive(server.base_url, "GET /api/v1/health/", health, requests=args.requests, **common)
        real = drive(server.base_url, "POST /api/v1/dossiers/", intake, requests=args.requests, **common)

    database = "PostgreSQL" if args.database_url and args.database_url.startswith("postgres") else "SQLite"
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; gunicorn "
        f"{args.workers} workers, {database}; {args.threads} client threads on the same machine"
    )
    print(trivial.line())
    print(real.line())
    for failed in (trivial, real):
        for error in failed.errors[:5]:
            print(f"  {failed.name}: {error}")
    ratio = real.per_second / trivial.per_second if trivial.per_second else 0.0
    checks = [
        (f"intake / health throughput = {ratio:.0%} (target >= 50%)", ratio >= 0.5),
        (f"intake p99 = {real.percentile(99):.1f} ms (target < 100 ms)", real.percentile(99) < 100),
        (f"errors = {len(trivial.errors) + len(real.errors)} (target 0)", not (trivial.errors or real.errors)),
    ]
    for text, ok in checks:
        print(f"{text}: {'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
