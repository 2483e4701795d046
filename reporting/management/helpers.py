"""Helpers shared by the reporting commands."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import CommandError
from tqdm import tqdm

from config.dates import RANGE_MESSAGE, out_of_range
from procedures.models import Agency


def agency_by_code(code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise CommandError(f"Không có cơ quan mã '{code}'.") from None


def parse_date(value: str, option: str) -> dt.date:
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: '{value}' không phải ngày dạng YYYY-MM-DD.") from None
    if out_of_range(parsed):
        raise CommandError(f"{option}: {RANGE_MESSAGE}")
    return parsed


def progress_bar(command, *, verbosity: int, total: int, desc: str, unit: str) -> tqdm:
    """A tqdm bar on the command's stderr, shown only on a terminal and at verbosity >= 1."""
    stream = getattr(command.stderr, "_out", sys.stderr)  # tqdm needs the raw stream
    isatty = getattr(stream, "isatty", lambda: False)
    return tqdm(total=total, desc=desc, unit=unit, file=stream, disable=verbosity < 1 or not isatty())
