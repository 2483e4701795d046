# Two entry points that work on a fresh machine with only Python 3.11:
#   make run   -> venv, install, migrate, demo data, admin login printed, serve on :8000
#   make test  -> venv, install dev extras, the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1:8000

.PHONY: run test e2e install install-dev lint bench clean messages fuzz bench-load

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)) / Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e .

install-dev: $(VENV)/bin/activate
	$(PY) -m pip install --quiet -e ".[dev]"

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Browser tests (e2e/): headless system Chromium (apt-get installs it when missing, as root),
# the app under gunicorn on a free port over a fresh demo database in var/e2e/; screenshots
# of the key pages are written to docs/screenshots/ (E2E_SCREENSHOTS=DIR to put them elsewhere).
e2e: install-dev
	sh e2e/install-browser.sh
	$(PY) -m pytest e2e -p no:cacheprovider $(E2E_ARGS)

# Recompile locale/vi after editing its .po (needs gettext); the .mo is committed.
messages: install
	$(PY) manage.py compilemessages -l vi --ignore=.venv

lint: install-dev
	$(VENV)/bin/ruff check .

bench: install-dev
	$(PY) benchmarks/bench_calendar.py

# schemathesis over the whole OpenAPI schema on a throw-away gunicorn + SQLite server (tools/fuzz_api.py).
fuzz: install-dev
	$(PY) tools/fuzz_api.py $(FUZZ_ARGS)

# Intake throughput and latency against a trivial view on a throw-away gunicorn (docs/benchmarks.md, "Load").
# wrk comes from Debian: installed when missing, as root (as e2e's browser is).
bench-load: install-dev
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" -ne 0 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	$(PY) benchmarks/load_intake.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3
