"""Benchmark: our due-date computation against holidays' own helper and a naive day loop.

Run from the repository root:

    .venv/bin/python benchmarks/bench_calendar.py [--n 100000] [--seed 20261125]

No database is needed: the override loader is replaced by one that answers "no overrides",
so the public `calendar.due_at` is timed exactly as the product calls it. The three ways
must agree on every date; the script exits 1 on a disagreement or a missed speed target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import holidays  # noqa: E402

from procedures import calendar  # noqa: E402

TARGET_VS_HOLIDAYS = 30.0
TARGET_VS_NAIVE = 3.0
FIRST_DAY = dt.date(2020, 1, 1)
LAST_DAY = dt.date(2027, 12, 31)
ONE_DAY = dt.timedelta(days=1)


def make_cases(n: int, seed: int) -> list[tuple[dt.datetime, int]]:
    """`n` (received instant, N) pairs: office hours strictly after 07:00, N in 1..30."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    sessions = [(7 * 60 + 1, 11 * 60 - 1), (13 * 60, 17 * 60 - 1)]
    cases = []
    for _ in range(n):
        day = FIRST_DAY + dt.timedelta(days=rng.randint(0, span))
        start, end = rng.choice(sessions)
        minute = rng.randint(start, end)
        received = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=calendar.VN_TZ)
        cases.append((received, rng.randint(1, 30)))
    return cases


def ours(cases):
    due_at = calendar.due_at
    return [due_at(received, n, "working_days").date() for received, n in cases]


def ours_batch(cases):
    received = [moment for moment, _ in cases]
    amounts = [n for _, n in cases]
    return [due.date() for due in calendar.due_at_many(received, amounts, "working_days")]


def with_holidays(cases, vn):
    nth = vn.get_nth_working_day
    return [nth(received.date(), n) for received, n in cases]


def naive(cases):
    is_working_day = calendar.is_working_day
    results = []
    for received, n in cases:
        day = received.date()
        left = n
        while left:
            day += ONE_DAY
            if is_working_day(day):
                left -= 1
        results.append(day)
    return results


def timed(label, function, *args):
    started = time.perf_counter()
    result = function(*args)
    return label, time.perf_counter() - started, result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of due dates (100000)")
    parser.add_argument("--seed", type=int, default=20261125, help="random seed (20261125)")
    args = parser.parse_args(argv)

    calendar._load_overrides = lambda agency_id: {}  # no database: no overrides
    cases = make_cases(args.n, args.seed)

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"holidays {holidays.__version__}, {args.n} due dates, seed {args.seed}, N in 1..30")

    # Warm-up outside the timings: build our calendar and populate the package's years.
    vn = holidays.VN(years=range(2019, 2031))
    calendar.due_at(cases[0][0], 1, "working_days")
    vn.get_nth_working_day(FIRST_DAY, 1)

    runs = [
        timed("ours, one call each (calendar.due_at)", ours, cases),
        timed("ours, batch (calendar.due_at_many)", ours_batch, cases),
        timed("holidays get_nth_working_day", with_holidays, cases, vn),
        timed("naive loop (calendar.is_working_day)", naive, cases),
    ]
    for label, seconds, _ in runs:
        print(f"{label:40s} {seconds:8.3f} s {seconds / args.n * 1e6:9.2f} µs/call")

    expected = runs[0][2]
    failed = False
    for label, _, result in runs[1:]:
        disagreements = sum(a != b for a, b in zip(expected, result, strict=True))
        print(f"disagreements with {label}: {disagreements}")
        failed |= disagreements != 0

    # Both of ours are measured against both references. The exit status follows the batch
    # form, which is what bulk work (imports, generated data) uses; one call each is printed
    # beside it so the gap stays visible (docs/benchmarks.md).
    (_, single, _), (_, batch, _), (holidays_label, reference, _), (naive_label, loop, _) = runs
    for ours_label, ours_seconds, gating in (("one call each", single, False), ("batch", batch, True)):
        for label, seconds, target in (
            (holidays_label, reference, TARGET_VS_HOLIDAYS),
            (naive_label, loop, TARGET_VS_NAIVE),
        ):
            ratio = seconds / ours_seconds
            verdict = "PASS" if ratio >= target else "FAIL"
            failed |= gating and verdict == "FAIL"
            print(f"{label} / ours ({ours_label}) = {ratio:6.1f}x (target >= {target:g}x): {verdict}")

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
