"""The targets of the source plan (domain.md "Targets"), read from settings.REPORT_TARGETS.

Every value is a fraction between 0 and 1. An office may override any of them in
`settings.REPORT_TARGETS`; the keys it leaves out keep the defaults below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TARGETS: dict[str, float] = {
    "on_time_rate": 0.98,  # (early + on time) / settled, at least
    "max_late_share": 0.02,  # late / settled in any field or procedure, at most
    "apology_coverage": 1.0,  # late dossiers with an issued apology letter, at least
    "online_services_share": 0.80,  # level 3/4 services with an online dossier, at least
    "online_processing_rate": 1.0,  # level 3/4 dossiers received online, at least
}

LABELS: dict[str, str] = {
    "on_time_rate": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
    "max_late_share": "Tỷ lệ hồ sơ quá hạn cao nhất của một lĩnh vực, thủ tục",
    "apology_coverage": "Tỷ lệ hồ sơ trễ hạn có phiếu xin lỗi và hẹn lại",
    "online_services_share": "Tỷ lệ DVC trực tuyến mức độ 3, 4 có phát sinh hồ sơ trực tuyến",
    "online_processing_rate": "Tỷ lệ hồ sơ của TTHC mức độ 3, 4 được tiếp nhận trực tuyến",
}

# The targets that are ceilings; every other one is a floor.
AT_MOST = {"max_late_share"}


def report_targets() -> dict[str, float]:
    """The defaults overridden by settings.REPORT_TARGETS; a bad value fails loudly."""
    configured = getattr(settings, "REPORT_TARGETS", None) or {}
    unknown = set(configured) - set(DEFAULT_TARGETS)
    if unknown:
        raise ImproperlyConfigured(
            f"REPORT_TARGETS has unknown keys {sorted(unknown)}; known: {sorted(DEFAULT_TARGETS)}."
        )
    targets = {**DEFAULT_TARGETS, **configured}
    for key, value in targets.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ImproperlyConfigured(f"REPORT_TARGETS[{key!r}]={value!r} must be a fraction between 0 and 1.")
    return {key: float(value) for key, value in targets.items()}


@dataclass(frozen=True)
class TargetCheck:
    """One measured figure next to its target; `passed` is None when there is nothing to measure."""

    key: str
    label: str
    value: float | None
    target: float
    comparison: str  # ">=" or "<="
    passed: bool | None
    detail: str = ""


def check(key: str, value: float | None, targets: dict[str, float], detail: str = "") -> TargetCheck:
    target = targets[key]
    at_most = key in AT_MOST
    passed = None if value is None else (value <= target if at_most else value >= target)
    return TargetCheck(key, LABELS[key], value, target, "<=" if at_most else ">=", passed, detail)
