"""How report figures are shown on the pages: Vietnamese number formats and the on-time chart.

Plain functions over the data of `reporting.figures` and `reporting.dashboard`; no queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reporting.exports import GROUP_HEADERS, ROW_HEADERS, percent
from reporting.figures import BIEU06_COLUMNS, OnlineRow, Report, Row
from reporting.targets import TargetCheck

__all__ = ["GROUP_HEADERS", "ROW_HEADERS", "bieu06_rows", "chart", "online_rows", "percent", "target_rows"]

VERDICTS = {True: "Đạt", False: "Chưa đạt", None: "Không có số liệu"}
COMPARISONS = {">=": "≥", "<=": "≤"}


def decimal(value: float | None, places: int = 1) -> str:
    """12.345 -> '12,3' (Vietnamese decimal comma); None -> '–'."""
    return "–" if value is None else f"{value:.{places}f}".replace(".", ",")


def row_name(report: Report, row: Row) -> str:
    if report.group_by == "procedure" and row is not report.total:
        return f"{row.code} – {row.name}"
    return row.name


@dataclass(frozen=True)
class ShownRow:
    """A Biểu 06 line as the page shows it: its figures in form order, then its rates."""

    number: int | None
    name: str
    agency_code: str
    cells: list[int]
    on_time_rate: str
    late_share: str
    apology: str
    appointment_kept: str
    supplement_breaches: int
    avg_processing_days: str


def _shown(report: Report, row: Row, number: int | None) -> ShownRow:
    return ShownRow(
        number=number,
        name=row_name(report, row),
        agency_code=row.agency_code,
        cells=[getattr(row, name) for name in BIEU06_COLUMNS],
        on_time_rate=percent(row.on_time_rate),
        late_share=percent(row.late_share),
        apology=f"{row.late_with_letter}/{row.late_total} ({percent(row.apology_coverage)})",
        appointment_kept=f"{row.appointment_kept}/{row.settled_with_letter} ({percent(row.appointment_kept_rate)})",
        supplement_breaches=row.supplement_breaches,
        avg_processing_days=decimal(row.avg_processing_days),
    )


def bieu06_rows(report: Report) -> tuple[list[ShownRow], ShownRow]:
    """(one line per group, numbered from 1; the total line)."""
    rows = [_shown(report, row, number) for number, row in enumerate(report.rows, start=1)]
    return rows, _shown(report, report.total, None)


def online_rows(report: Report) -> dict:
    """The online figures: per field and level, per level, in all, and the services with online use."""
    online = report.online

    def shown(cell: OnlineRow, name: str) -> dict:
        return {
            "name": name,
            "level": f"Mức độ {cell.level} – {cell.mode}" if cell.level else "",
            "received": cell.received,
            "online": cell.online,
            "rate": percent(cell.online_rate),
        }

    return {
        "rows": [shown(cell, cell.field_name) for cell in online.rows],
        "by_level": [shown(cell, "Cộng theo mức độ") for cell in online.by_level.values()],
        "total": shown(online.total, "Tổng số"),
        "services_total": online.services_total,
        "services_with_online": online.services_with_online,
        "services_share": percent(online.services_share),
    }


def target_rows(checks: Sequence[TargetCheck]) -> list[dict]:
    return [
        {
            "key": check.key,
            "label": check.label,
            "value": percent(check.value),
            "target": f"{COMPARISONS[check.comparison]} {percent(check.target)}",
            "passed": check.passed,
            "verdict": VERDICTS[check.passed],
            "detail": check.detail,
        }
        for check in checks
    ]


# --- the on-time chart (inline SVG, drawn on the server) ---------------------------------------------

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 24, 40  # margins around the plot area


def chart(points, target: float | None = None) -> dict:
    """Bar geometry for `SeriesPoint`s: one bar per month (none without settled dossiers), its value
    above it, gridlines every 20%, and the target as a dashed line."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    bar_width = slot * 0.6

    def y_of(rate: float) -> float:
        return round(TOP + plot_height * (1 - rate), 1)

    bars = []
    for index, point in enumerate(points):
        x = LEFT + slot * index
        rate = point.rate
        bar = {
            "label": point.label,
            "period": point.period.label,
            "settled": point.settled,
            "on_time": point.on_time,
            "value": percent(rate),
            "x": round(x + (slot - bar_width) / 2, 1),
            "width": round(bar_width, 1),
            "center": round(x + slot / 2, 1),
            "has_value": rate is not None,
            "below_target": rate is not None and target is not None and rate < target,
        }
        if rate is not None:
            bar["y"] = y_of(rate)
            bar["height"] = round(TOP + plot_height - bar["y"], 1)
        bars.append(bar)
    grid = [{"y": y_of(step / 100), "label": f"{step}%"} for step in range(0, 101, 20)]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "tick_x": LEFT - 6,
        "target_x": LEFT + 6,
        "right": WIDTH - RIGHT,
        "axis_y": TOP + plot_height,
        "label_y": TOP + plot_height + 18,
        "bars": bars,
        "grid": grid,
        "target_y": y_of(target) if target is not None else None,
        "target": percent(target) if target is not None else "",
    }
