"""Checks shared by every test that builds a report."""

from __future__ import annotations

from reporting.figures import COUNT_COLUMNS, Report, Row


def assert_row_invariants(row: Row) -> None:
    """Biểu 06's own arithmetic (domain.md "Periodic statistics")."""
    label = row.code or row.name
    assert row.received_total == row.received_online + row.received_counter_post + row.carried_over, label
    assert row.received_total == row.settled_total + row.in_progress_total, label
    assert row.settled_total == row.settled_early + row.settled_on_time + row.settled_late, label
    assert row.in_progress_total == row.in_progress_within + row.in_progress_overdue, label
    assert row.late_total == row.settled_late + row.in_progress_overdue, label
    assert row.late_with_letter <= row.late_total, label
    assert row.appointment_kept <= row.settled_with_letter <= row.settled_total, label


def assert_invariants(report: Report) -> None:
    """Every row and the total hold the invariants, and the rows add up to the total row."""
    for row in (*report.rows, report.total):
        assert_row_invariants(row)
    for name in COUNT_COLUMNS:
        assert sum(getattr(row, name) for row in report.rows) == getattr(report.total, name), name
    online = report.online
    assert online.total.received == sum(cell.received for cell in online.rows)
    assert online.total.online == sum(cell.online for cell in online.rows)
    assert online.services_with_online <= online.services_total


def counts(row: Row, names=COUNT_COLUMNS) -> dict[str, int]:
    return {name: getattr(row, name) for name in names}
