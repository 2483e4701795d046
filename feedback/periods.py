"""Report periods are ranges of local (Asia/Ho_Chi_Minh) dates."""

from __future__ import annotations

import datetime as dt

from procedures.calendar import VN_TZ


def local_day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) instants of the local days `date_from`..`date_to`, for index-friendly filters."""
    start = dt.datetime.combine(date_from, dt.time(), VN_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), VN_TZ)
    return start, end
