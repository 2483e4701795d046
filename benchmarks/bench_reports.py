"""Benchmark: the Biểu 06 report and the tracking-book export on a million generated dossiers.

Run from the repository root:

    .venv/bin/python benchmarks/bench_reports.py [--n 1000000] [--seed 20261125] [--book-rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench .venv/bin/python benchmarks/bench_reports.py

Without DATABASE_URL the database is the SQLite file var/bench_reports.sqlite3. It is built with
`generate_demo_data` (without events, which reports do not read) the first time and reused
afterwards when it holds the same seed and N; `--fresh` rebuilds it. A missing PostgreSQL
database is created. Query logging is off (DEBUG=false), as in production.

1. The year report by field, over every agency (`reporting.selectors.report_summary`), against
   one hand-written GROUP BY computing the same columns on the same database in the same run.
   Target: ours at most 1.5x the raw query; both must agree on every row.
   Each is run once to warm the caches, then both in turn (--repeat times); medians compared.
2. The tracking-book export (`reporting.exports.write_tracking_book`) of about --book-rows rows,
   against a bare openpyxl write-only loop over the same rows from a raw cursor, with the time
   and the peak Python memory (tracemalloc, in a separate pass) of each.

Exits 1 on a disagreement or a missed target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_reports.sqlite3'}")
os.environ["DEBUG"] = "false"  # no query log
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")

TARGET_RATIO = 1.5
PERIOD_YEAR = 2026


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database on the server when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None, autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (config["NAME"],)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def prepare(args) -> tuple[list[int], str]:
    """Migrate, then generate the dossiers unless the database already holds them."""
    from django.core.management import call_command
    from django.db import connection

    from dossiers.models import Dossier
    from procedures.calendar import VN_TZ
    from procedures.models import Agency
    from reporting.demo import generate
    from reporting.demo.catalogue import agency_codes

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    codes = agency_codes(args.seed, args.agencies)
    agencies = list(Agency.objects.filter(code__in=codes).values_list("pk", flat=True))
    if agencies:
        have = Dossier.objects.filter(agency_id__in=agencies).count()
        if have == args.n:
            return agencies, f"reused {have} dossiers"
        sys.exit(f"the database holds {have} dossiers for seed {args.seed}, not {args.n}: run with --fresh")
    started = time.perf_counter()
    until = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)  # fixed, so that every run builds the same data
    result = generate(
        dossiers=args.n, seed=args.seed, agencies=args.agencies, start=dt.date(2025, 1, 1), until=until,
        batch_size=args.batch_size, with_events=False, progress=_progress(args.n),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(file=sys.stderr)
    agencies = list(Agency.objects.filter(code__in=codes).values_list("pk", flat=True))
    return agencies, f"generated {result.dossiers} dossiers, {result.letters} letters in {seconds:.0f} s (no events)"


def _progress(total: int):
    done = [0]

    def update(n: int) -> None:
        done[0] += n
        if done[0] % 100_000 < n or done[0] == total:
            print(f"\r  generated {done[0]:>9,}/{total:,}", end="", file=sys.stderr, flush=True)

    return update


# --- 1. the year report against a hand-written GROUP BY --------------------------------------------

RAW_REPORT = """
SELECT d.field_id,
  COUNT(CASE WHEN {counted} THEN 1 END),
  COUNT(CASE WHEN {counted} AND d.received_date >= %(start)s AND d.channel = 'online' THEN 1 END),
  COUNT(CASE WHEN {counted} AND d.received_date >= %(start)s AND d.channel IN ('counter', 'post') THEN 1 END),
  COUNT(CASE WHEN {counted} AND d.received_date < %(start)s THEN 1 END),
  COUNT(CASE WHEN {settled} THEN 1 END),
  COUNT(CASE WHEN {settled} AND d.result_ready_at <= d.due_at AND d.finished_date < d.due_date THEN 1 END),
  COUNT(CASE WHEN {settled} AND d.result_ready_at <= d.due_at AND d.finished_date >= d.due_date THEN 1 END),
  COUNT(CASE WHEN {settled} AND d.result_ready_at > d.due_at THEN 1 END),
  COUNT(CASE WHEN {open} THEN 1 END),
  COUNT(CASE WHEN {open} AND NOT ({overdue}) THEN 1 END),
  COUNT(CASE WHEN {open} AND {overdue} THEN 1 END),
  COUNT(CASE WHEN d.closed_date BETWEEN %(start)s AND %(end)s AND d.status = 'withdrawn' THEN 1 END),
  COUNT(CASE WHEN d.closed_date BETWEEN %(start)s AND %(end)s AND d.status = 'refused' THEN 1 END),
  COUNT(CASE WHEN {late} THEN 1 END),
  COUNT(CASE WHEN {late} AND {letter} THEN 1 END),
  COUNT(CASE WHEN {settled} AND {letter} THEN 1 END),
  COUNT(CASE WHEN {settled} AND {letter} AND d.result_ready_at <= d.appointment_at THEN 1 END),
  COUNT(CASE WHEN d.received_date >= %(start)s AND d.supplement_rule_breached THEN 1 END),
  COUNT(CASE WHEN {settled} THEN d.processing_minutes END),
  SUM(CASE WHEN {settled} THEN d.processing_minutes END)
FROM dossiers_dossier d
WHERE d.received_date <= %(end)s
  AND (d.closed_date IS NULL OR d.closed_date >= %(start)s)
  AND (d.finished_date IS NULL OR d.finished_date >= %(start)s)
GROUP BY d.field_id
"""
COUNTED = "(d.closed_date IS NULL OR d.closed_date > %(end)s)"
OVERDUE = (
    "(d.due_at < %(instant)s AND (d.paused_at IS NULL OR d.paused_at > %(instant)s OR d.paused_at > d.due_at))"
)
RAW_SQL = RAW_REPORT.format(
    counted=COUNTED,
    settled=f"{COUNTED} AND d.finished_date <= %(end)s",
    open=f"{COUNTED} AND (d.finished_date IS NULL OR d.finished_date > %(end)s)",
    overdue=OVERDUE,
    late=(
        f"{COUNTED} AND ((d.finished_date <= %(end)s AND d.result_ready_at > d.due_at)"
        f" OR ((d.finished_date IS NULL OR d.finished_date > %(end)s) AND {OVERDUE}))"
    ),
    letter=(
        "d.id IN (SELECT dossier_id FROM apology_letters_apologyletter"
        " WHERE status = 'issued' AND issued_at < %(instant)s)"
    ),
)


def raw_report(period):
    from django.db import connection

    params = {
        "start": connection.ops.adapt_datefield_value(period.start),
        "end": connection.ops.adapt_datefield_value(period.end),
        "instant": connection.ops.adapt_datetimefield_value(period.end_instant),
    }
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def timed_pair(first, second, repeat: int):
    """Each function once untimed (warm caches), then both in turn `repeat` times.

    Returns ((median, best, result) of first, the same of second).
    """
    results = [first(), second()]
    times: list[list[float]] = [[], []]
    for _ in range(repeat):
        for index, function in enumerate((first, second)):
            started = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - started)
    return [(statistics.median(spent), min(spent), result) for spent, result in zip(times, results, strict=True)]


def bench_report(args, agencies: list[int]) -> bool:
    from reporting.figures import COUNT_COLUMNS
    from reporting.periods import Period
    from reporting.selectors import report_summary

    period = Period.official_year(PERIOD_YEAR)
    (ours_median, ours_best, report), (raw_median, raw_best, raw) = timed_pair(
        lambda: report_summary(period=period, group_by="field"), lambda: raw_report(period), args.repeat
    )
    disagreements = 0
    for row in report.rows:
        theirs = raw.get(row.key)
        mine = [getattr(row, name) for name in COUNT_COLUMNS]
        days = (theirs[-1] or 0) / 480 if theirs else None  # generated agencies keep 8-hour days
        if theirs is None or list(theirs[:-1]) != mine or abs(days - row.processing_days_sum) > 1e-6:
            disagreements += 1
    disagreements += len(set(raw) - {row.key for row in report.rows})
    ratio = ours_median / raw_median
    total = report.total
    print(f"year report {period.label} {period.range_text}, by field, every agency: {len(report.rows)} rows")
    print(f"  received {total.received_total:,}, settled {total.settled_total:,}, in progress "
          f"{total.in_progress_total:,}, on-time rate {total.on_time_rate:.1%}")
    print(f"  ours (report_summary, 4 queries) median {ours_median:7.3f} s  best {ours_best:7.3f} s")
    print(f"  raw GROUP BY (1 query)           median {raw_median:7.3f} s  best {raw_best:7.3f} s")
    print(f"  ratio ours/raw {ratio:.2f} (target <= {TARGET_RATIO}); disagreeing rows: {disagreements}")
    month = Period.official_month(PERIOD_YEAR, 10)
    first = min(agencies)
    (month_median, _, month_report), _ = timed_pair(
        lambda: report_summary(period=month, group_by="procedure", agency_ids=[first]), lambda: None, args.repeat
    )
    print(f"one agency, official month {month.range_text}, by procedure: {len(month_report.rows)} rows, "
          f"{month_report.total.received_total:,} received; median {month_median:.3f} s")
    return disagreements == 0 and ratio <= TARGET_RATIO


# --- 2. the tracking book against a bare write-only loop -------------------------------------------


def book_period(rows: int):
    """A period starting 01/01/2026 that receives about `rows` dossiers (whole days)."""
    from dossiers.models import Dossier
    from reporting.periods import Period

    start = dt.date(PERIOD_YEAR, 1, 1)
    dates = Dossier.objects.filter(received_date__gte=start).order_by("received_date")
    end = dates.values_list("received_date", flat=True)[rows - 1]
    return Period.custom(start, end)


def bare_book(path, period) -> int:
    """Write the same rows straight from a DB-API cursor, no formatting at all."""
    from django.db import connection
    from openpyxl import Workbook

    from reporting.exports import BOOK_COLUMNS, tracking_book_rows

    sql, params = tracking_book_rows(period=period, agency_ids=None).query.sql_with_params()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sổ theo dõi")
    ws.append([header for header, _, _ in BOOK_COLUMNS])
    count = 0
    naive = dt.datetime
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            for row in batch:
                ws.append([v.replace(tzinfo=None) if isinstance(v, naive) else v for v in row])
                count += 1
    wb.save(path)
    return count


def measure(function) -> tuple[float, float, object]:
    """(seconds, peak MiB under tracemalloc in a second run, result)."""
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def bench_book(args) -> bool:
    from reporting.exports import write_tracking_book

    period = book_period(args.book_rows)
    with tempfile.TemporaryDirectory() as tmp:
        ours_path, bare_path = Path(tmp) / "ours.xlsx", Path(tmp) / "bare.xlsx"
        ours_s, ours_mb, result = measure(lambda: write_tracking_book(ours_path, period=period, agency_ids=None))
        bare_s, bare_mb, bare_rows = measure(lambda: bare_book(bare_path, period))
        ours_size, bare_size = ours_path.stat().st_size / 2**20, bare_path.stat().st_size / 2**20
    print(f"tracking book {period.range_text}: {result.rows:,} rows, {result.sheets} sheet(s)")
    print(f"  ours (write_tracking_book) {ours_s:7.2f} s {result.rows / ours_s:9,.0f} rows/s "
          f"peak {ours_mb:6.1f} MiB  file {ours_size:5.1f} MiB")
    print(f"  bare write-only loop       {bare_s:7.2f} s {bare_rows / bare_s:9,.0f} rows/s "
          f"peak {bare_mb:6.1f} MiB  file {bare_size:5.1f} MiB")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  ratio ours/bare {ours_s / bare_s:.2f}; process max RSS {max_rss:.0f} MiB")
    return result.rows == bare_rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="generated dossiers (1000000)")
    parser.add_argument("--seed", type=int, default=20261125, help="generator seed (20261125)")
    parser.add_argument("--agencies", type=int, default=4, help="generated agencies (4)")
    parser.add_argument("--book-rows", type=int, default=100_000, help="rows of the tracking book (100000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each report, after a warm-up (5)")
    parser.add_argument("--part", choices=("all", "report", "book"), default="all", help="what to time (all)")
    parser.add_argument("--batch-size", type=int, default=10_000, help="bulk_create batch (10000)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # figures in order with the progress on stderr

    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    elif args.fresh:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.fresh and connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    agencies, how = prepare(args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{connection.vendor} {version}")
    print(f"{args.n:,} dossiers in {len(agencies)} agencies, seed {args.seed}: {how}")
    ok = True
    if args.part in ("all", "report"):
        ok = bench_report(args, agencies) and ok
    if args.part in ("all", "book"):
        ok = bench_book(args) and ok
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
