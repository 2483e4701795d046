"""The browser tests' world: a throw-away database, the app under gunicorn, headless Chromium.

One server for the whole session (`server`), started from a fresh SQLite file under
`var/e2e/`: migrate, `load_demo --password E2E_PASSWORD`, collectstatic, then gunicorn with
DEBUG off on a free port of 127.0.0.1. It is stopped in the fixture's finalizer whatever
happens. The run folder (database, server log, screenshots of failures) is removed after a
green run and kept, with its path printed, after a red one.

Every page opened through `office` reports the Content-Security-Policy violations it meets
(the browser's `securitypolicyviolation` events), and a scenario during which any page met one
fails: the pages carry no inline script or style, and none must creep back in.

Chromium is the system one (`E2E_CHROMIUM`, default /usr/bin/chromium, installed by
`e2e/install-browser.sh`); Playwright's own browser download is never used.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from e2e.helpers import E2E_PASSWORD, PC, PHONE, login

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
STARTUP_SECONDS = 30
expect.set_options(timeout=10_000)


@dataclass
class Server:
    url: str
    env: dict[str, str]
    run_dir: Path
    log: Path

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """`manage.py ARGS` against the e2e database, as cron or an operator would run it."""
        return _manage(self.env, *args, timeout=timeout)


def _manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The app exited ({process.returncode}) before answering:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health/", timeout=2) as answer:  # noqa: S310 - http://127.0.0.1
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The app did not answer within {STARTUP_SECONDS} s:\n{_tail(log)}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # gunicorn's master and its workers: their own group
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


RUN: dict[str, Path] = {}


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    base = ROOT / "var" / "e2e"
    base.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=base))  # others may run e2e in the same tree
    RUN["dir"] = run_dir
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{run_dir / 'e2e.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": "e2e-only-secret-key-not-used-anywhere-else-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(run_dir / "static"),
        "STATIC_PLAIN_STORAGE": "true",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)  # rate limits and the calendar version live in the e2e database
    # A CI timeout's SIGTERM becomes an interruption, so that the finally below still runs.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    process = None
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "createcachetable")
        _manage(env, "load_demo", "--password", E2E_PASSWORD)
        _manage(env, "collectstatic", "--noinput")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = run_dir / "server.log"
        with log.open("w", encoding="utf-8") as out:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi:application",
                    "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                    "--no-control-socket", "--timeout", "60", "--access-logfile", "-",
                ],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        _wait_until_up(url, process, log)
        yield Server(url=url, env=env, run_dir=run_dir, log=log)
    finally:
        if process is not None:
            _stop(process)
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.exit(f"Không thấy Chromium tại {CHROMIUM}: chạy `make e2e` (cài qua apt-get) / Chromium missing", 2)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            # Date inputs shown as in Vietnam (dd/mm/yyyy) where chromium-l10n is installed.
            env={**os.environ, "LANGUAGE": "vi"},
        )
        yield chromium
        chromium.close()


# Runs in every page before its own scripts; the event fires for each blocked script, style,
# handler or load, and reaches Python through the binding, whatever page the tab has moved to.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || event.documentURI}:${event.lineNumber})`
  );
});
"""


@dataclass
class Office:
    """Opens pages as a given user (or anonymously) at a given viewport; closes them afterwards.
    Every Content-Security-Policy violation that any of its pages meets is kept in `csp_violations`."""

    browser: Browser
    server: Server
    contexts: list[BrowserContext] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def page(self, username: str | None = None, *, viewport: dict[str, int] = PC) -> Page:
        phone = viewport == PHONE
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport=viewport,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            is_mobile=phone,
            has_touch=phone,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        context.expose_binding("reportCspViolation", lambda source, text: self.csp_violations.append(text))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        if username:
            login(page, username)
        return page


@pytest.fixture
def office(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Office]:
    office = Office(browser, server)
    yield office
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:  # keep what each open page showed when it failed
        folder = server.run_dir / "failures"
        folder.mkdir(exist_ok=True)
        for index, context in enumerate(office.contexts):
            for number, page in enumerate(context.pages):
                with contextlib.suppress(Exception):  # best effort on the way out
                    page.screenshot(path=str(folder / f"{request.node.name}-{index}-{number}.png"), full_page=True)
    for context in office.contexts:
        context.close()
    assert not office.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(office.csp_violations)


@pytest.fixture(scope="session")
def story() -> dict:
    """What the scenarios hand on to each other (the dossier code, the letter, ...)."""
    return {}


@pytest.fixture
def needs(story: dict) -> Callable[..., None]:
    """Skip, with a clear reason, a scenario whose earlier step did not get as far."""

    def check(*keys: str) -> None:
        missing = [key for key in keys if key not in story]
        if missing:
            pytest.skip(f"an earlier scenario did not provide {', '.join(missing)}")

    return check


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_sessionfinish(session, exitstatus):
    run_dir = RUN.get("dir")
    if run_dir is None:
        return
    if exitstatus == 0 and not os.environ.get("E2E_KEEP"):
        shutil.rmtree(run_dir, ignore_errors=True)
    else:
        RUN["kept"] = run_dir


def pytest_terminal_summary(terminalreporter):
    kept = RUN.get("kept")
    if kept is not None:
        terminalreporter.write_line(f"e2e: database, server.log and failure screenshots kept in {kept}")
