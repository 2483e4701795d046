"""Reporting periods: official 15th–14th and calendar conventions, parsing, end instants."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from procedures.calendar import VN_TZ
from reporting.periods import Period, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "convention", "start", "end", "label"),
    [
        ("2026-10", "official", D(2026, 9, 15), D(2026, 10, 14), "Tháng 10/2026"),
        ("2026-1", "official", D(2025, 12, 15), D(2026, 1, 14), "Tháng 01/2026"),  # across the year end
        ("2026-03", "official", D(2026, 2, 15), D(2026, 3, 14), "Tháng 03/2026"),
        ("2026-Q1", "official", D(2025, 12, 15), D(2026, 3, 14), "Quý I/2026"),
        ("2026-q4", "official", D(2026, 9, 15), D(2026, 12, 14), "Quý IV/2026"),
        ("2026-H1", "official", D(2025, 12, 15), D(2026, 6, 14), "6 tháng đầu năm 2026"),
        ("2026-H2", "official", D(2026, 6, 15), D(2026, 12, 14), "6 tháng cuối năm 2026"),
        ("2026", "official", D(2025, 12, 15), D(2026, 12, 14), "Năm 2026"),
        ("2026-10", "calendar", D(2026, 10, 1), D(2026, 10, 31), "Tháng 10/2026"),
        ("2026-02", "calendar", D(2026, 2, 1), D(2026, 2, 28), "Tháng 02/2026"),  # Tết month, not leap
        ("2028-02", "calendar", D(2028, 2, 1), D(2028, 2, 29), "Tháng 02/2028"),
        ("2026-12", "calendar", D(2026, 12, 1), D(2026, 12, 31), "Tháng 12/2026"),
        ("2026-Q4", "calendar", D(2026, 10, 1), D(2026, 12, 31), "Quý IV/2026"),
        ("2026-H1", "calendar", D(2026, 1, 1), D(2026, 6, 30), "6 tháng đầu năm 2026"),
        ("2026", "calendar", D(2026, 1, 1), D(2026, 12, 31), "Năm 2026"),
        (" 2026-10 ", "official", D(2026, 9, 15), D(2026, 10, 14), "Tháng 10/2026"),
    ],
)
def test_parse_period(text, convention, start, end, label):
    period = parse_period(text, convention)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-0", "2026-Q5", "2026-H3", "26-10", "2026/10", "tháng 10", "2026-10-01"]
)
def test_bad_period_text_is_a_clear_error(text):
    with pytest.raises(ValueError, match="không hợp lệ"):
        parse_period(text)


def test_bad_convention():
    with pytest.raises(ValueError, match="official hoặc calendar"):
        parse_period("2026-10", "fiscal")


def test_end_instant_is_midnight_in_vietnam_of_the_next_day():
    period = Period.official_month(2026, 12)
    assert period.end_instant == dt.datetime(2026, 12, 15, 0, 0, tzinfo=VN_TZ)
    assert period.end_instant.astimezone(dt.UTC) == dt.datetime(2026, 12, 14, 17, 0, tzinfo=dt.UTC)
    assert Period.calendar_month(2026, 12).end_instant == dt.datetime(2027, 1, 1, tzinfo=VN_TZ)
    assert period.start_instant == dt.datetime(2026, 11, 15, tzinfo=VN_TZ)


def test_custom_range_and_its_text():
    period = Period.custom(D(2026, 11, 9), D(2026, 11, 24))
    assert period.range_text == "(Từ ngày 09/11/2026 đến ngày 24/11/2026)"
    assert period.label == "Từ 09/11/2026 đến 24/11/2026"
    assert Period.custom(D(2026, 1, 1), D(2026, 1, 1)).end_instant == dt.datetime(2026, 1, 2, tzinfo=VN_TZ)
    with pytest.raises(ValueError):
        Period.custom(D(2026, 2, 1), D(2026, 1, 31))


def test_consecutive_official_months_tile_the_year():
    months = [Period.official_month(2026, month) for month in range(1, 13)]
    assert months[0].start == Period.official_year(2026).start
    assert months[-1].end == Period.official_year(2026).end
    for before, after in itertools.pairwise(months):
        assert after.start == before.end + dt.timedelta(days=1)
