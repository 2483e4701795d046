"""`make fuzz`: schemathesis against the OpenAPI schema of a throw-away server (tools/testserver.py).

Passes when no response is a 5xx, every status is one the schema documents, and every response
matches the schema. One schemathesis run per seed (`--seeds 20261125,777`), against the same
server; each is bounded by --max-examples cases per operation and --max-time seconds (its
fuzzing and stateful phases repeat until that time is spent). A seed makes a run reproducible:
the same seed generates the same cases. The last lines say, per seed, how many cases ran and
how many failed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.testserver import throwaway_server

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance"
DEFAULT_SEEDS = "20261125,777"
# schemathesis's summary: "Test cases:" then "  11913 generated, 11913 passed" or "…, 2 found 2 unique failures".
CASES = re.compile(r"^\s*(\d+) generated(?:, (\d+) found (\d+) unique failures)?", re.MULTILINE)


def seeds(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: seeds are integers separated by commas") from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one seed")
    return values


def run_once(schema: Path, server, *, seed: int, args) -> tuple[int, str, str]:
    """One schemathesis run; (exit code, cases generated, unique failures) from its summary."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run", str(schema), "--url", server.base_url,
        "--checks", CHECKS,
        "--header", f"Authorization: Token {server.token}",
        "--max-examples", str(args.max_examples),
        "--max-time", str(args.max_time),
        "--seed", str(seed),  # not --generation-deterministic: that mode ignores the seed
        "--request-timeout", "10",
        "--no-color",
        "--suppress-health-check", "all",
    ]
    if args.exclude_path_regex:
        command += ["--exclude-path-regex", args.exclude_path_regex]
    print("$", " ".join(command).replace(server.token, "<token>"), flush=True)
    output = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:  # noqa: S603
        for line in process.stdout:
            print(line, end="", flush=True)
            output.append(line)
    summary = CASES.findall("".join(output))
    generated, failures = (summary[-1][0], summary[-1][2] or "0") if summary else ("?", "?")
    return process.returncode, generated, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=20, help="cases per operation and phase")
    parser.add_argument("--max-time", type=int, default=240, help="seconds for each seed's run")
    parser.add_argument("--seeds", type=seeds, default=seeds(DEFAULT_SEEDS), help="comma-separated")
    parser.add_argument("--seed", type=int, help="one seed (same as --seeds N)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--database-url", help="fuzz on this (empty) database instead of a fresh SQLite file")
    parser.add_argument(
        "--exclude-path-regex", default="", help="operations to leave out (passed to schemathesis)"
    )
    args = parser.parse_args()
    run_seeds = [args.seed] if args.seed is not None else args.seeds
    results = []
    with throwaway_server(workers=args.workers, database_url=args.database_url) as server:
        # The schema is served to signed-in users only: fetch it with the token, then hand the
        # file to schemathesis with the server's address.
        schema = server.log.with_name("schema.yaml")
        request = urllib.request.Request(  # noqa: S310 - the throw-away server on 127.0.0.1
            f"{server.base_url}/api/schema/", headers={"Authorization": f"Token {server.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            schema.write_bytes(response.read())
        for seed in run_seeds:
            results.append((seed, *run_once(schema, server, seed=seed, args=args)))
        errors = server.errors()
        if errors:
            print("\n== server tracebacks ==\n" + errors, flush=True)
    print("\n== fuzz summary ==")
    for seed, code, generated, failures in results:
        print(f"seed {seed}: {generated} cases, {failures} failures (exit {code})", flush=True)
    return max([code for _seed, code, _generated, _failures in results] + [1 if errors else 0])


if __name__ == "__main__":
    sys.exit(main())
