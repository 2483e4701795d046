"""`make fuzz`: schemathesis against the OpenAPI schema of a throw-away server (tools/testserver.py).

Passes when no response is a 5xx and every response matches the schema. Bounded: at most
--max-examples cases per operation and --max-time seconds in all.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.testserver import throwaway_server

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--max-time", type=int, default=240, help="seconds for the whole run")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--exclude-path-regex", default="", help="operations to leave out (passed to schemathesis)"
    )
    args = parser.parse_args()
    with throwaway_server(workers=args.workers) as server:
        # The schema is served to signed-in users only: fetch it with the token, then hand the
        # file to schemathesis with the server's address.
        schema = server.log.with_name("schema.yaml")
        request = urllib.request.Request(  # noqa: S310 - the throw-away server on 127.0.0.1
            f"{server.base_url}/api/schema/", headers={"Authorization": f"Token {server.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            schema.write_bytes(response.read())
        command = [
            str(Path(sys.executable).with_name("schemathesis")), "run", str(schema), "--url", server.base_url,
            "--checks", CHECKS,
            "--header", f"Authorization: Token {server.token}",
            "--max-examples", str(args.max_examples),
            "--max-time", str(args.max_time),
            "--seed", str(args.seed),
            "--generation-deterministic",
            "--request-timeout", "10",
            "--no-color",
            "--suppress-health-check", "all",
        ]
        if args.exclude_path_regex:
            command += ["--exclude-path-regex", args.exclude_path_regex]
        print("$", " ".join(command).replace(server.token, "<token>"), flush=True)
        code = subprocess.run(command, check=False).returncode  # noqa: S603 - our own command line
        errors = server.errors()
        if errors:
            print("\n== server tracebacks ==\n" + errors, flush=True)
        return code


if __name__ == "__main__":
    sys.exit(main())
