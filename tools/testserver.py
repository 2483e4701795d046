"""A throw-away production-like server on 127.0.0.1 for the fuzz run and the load benchmark.

gunicorn with DEBUG off, a fresh database (SQLite in a temporary folder unless DATABASE_URL is
given), the demo data and an API token for the demo head `lanhdao` (superusers get none).
Everything stops and is deleted when the `with` block ends.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass(frozen=True)
class Server:
    base_url: str
    token: str
    env: dict
    log: Path  # the app's stdout and stderr: Django logs every 5xx there with its traceback

    def errors(self) -> str:
        """The tracebacks logged so far."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(block for block in text.split("\n20") if "Traceback" in block)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - manage.py with our own arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=False, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def throwaway_server(*, workers: int = 2, threads: int = 1, database_url: str | None = None) -> Iterator[Server]:
    folder = Path(tempfile.mkdtemp(prefix="motcua-"))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'db.sqlite3'}",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies usable without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    server = None
    log = folder / "app.log"
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        _manage(env, "load_demo", f"--password={secrets.token_urlsafe(12)}")  # "=": it may start with "-"
        # Superusers get no API token (accounts.tokens): the fuzz acts as the demo head of SGDDT.
        token = _manage(env, "create_api_token", "lanhdao", "--name=fuzz").strip()
        server = subprocess.Popen(  # noqa: S603 - gunicorn with our own arguments
            [
                PYTHON, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
                "--log-level", "warning", "--error-logfile", str(folder / "gunicorn.log"),
            ],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health/", timeout=1) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start; see {folder / 'gunicorn.log'}")
        yield Server(base_url=base, token=token, env=env, log=log)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(folder, ignore_errors=True)
