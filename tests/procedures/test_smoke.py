import datetime as dt

from procedures import calendar
from procedures.calendar import VN_TZ


def test_due_at_friday_afternoon(db):
    received = dt.datetime(2026, 11, 27, 16, 30, tzinfo=VN_TZ)
    assert calendar.due_at(received, 1, "working_days") == dt.datetime(2026, 11, 30, 16, 30, tzinfo=VN_TZ)
