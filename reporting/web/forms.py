"""The report page's GET form: which period, how to group, which agency.

The period kinds map onto `reporting.periods`; the dates and the grouping are then checked by the
report API's own `SummaryParamsSerializer`, so the page and `/api/v1/reports/summary/` accept and
refuse the same values with the same messages.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms

from config.dates import FIRST_YEAR, LAST_YEAR, RANGE_MESSAGE
from reporting.api.serializers import SummaryParamsSerializer
from reporting.figures import GROUPINGS
from reporting.periods import CALENDAR, OFFICIAL, Period, parse_period

OFFICIAL_MONTH = "official_month"
CALENDAR_MONTH = "calendar_month"
OFFICIAL_QUARTER = "official_quarter"
OFFICIAL_YEAR = "official_year"
CUSTOM = "custom"
KINDS = [
    (OFFICIAL_MONTH, "Tháng (kỳ báo cáo 15 – 14)"),
    (CALENDAR_MONTH, "Tháng dương lịch"),
    (OFFICIAL_QUARTER, "Quý (kỳ báo cáo)"),
    (OFFICIAL_YEAR, "Năm (kỳ báo cáo 15/12 – 14/12)"),
    (CUSTOM, "Khoảng ngày tùy chọn"),
]
GROUP_LABELS = {"field": "Lĩnh vực", "procedure": "Thủ tục", "agency": "Cơ quan"}
QUARTERS = [(str(n), f"Quý {roman}") for n, roman in ((1, "I"), (2, "II"), (3, "III"), (4, "IV"))]
MONTH_PATTERN = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
# The parameters each kind reads, besides group_by and agency (also the order of the link).
KIND_PARAMS = {
    OFFICIAL_MONTH: ("month",),
    CALENDAR_MONTH: ("month",),
    OFFICIAL_QUARTER: ("year", "quarter"),
    OFFICIAL_YEAR: ("year",),
    CUSTOM: ("from", "to"),
}


def defaults(latest: Period) -> dict[str, str]:
    """The page with no parameters: the latest complete official month, by field."""
    return {
        "kind": OFFICIAL_MONTH,
        "month": f"{latest.end:%Y-%m}",
        "year": str(latest.end.year),
        "quarter": str((latest.end.month - 1) // 3 + 1),
        "from": latest.start.isoformat(),
        "to": latest.end.isoformat(),
        "group_by": "field",
    }


class ReportForm(forms.Form):
    """Bound to the query string merged over `defaults`; `cleaned_data["period"]` is a `Period`."""

    kind = forms.ChoiceField(
        label="Kỳ báo cáo",
        choices=KINDS,
        error_messages={"invalid_choice": "Chọn một loại kỳ báo cáo trong danh sách."},
    )
    month = forms.CharField(label="Tháng", required=False)
    year = forms.IntegerField(
        label="Năm", required=False, error_messages={"invalid": "Năm phải là một số, ví dụ 2026."}
    )
    quarter = forms.ChoiceField(
        label="Quý", required=False, choices=QUARTERS, error_messages={"invalid_choice": "Chọn quý I, II, III hoặc IV."}
    )
    group_by = forms.CharField(label="Nhóm theo", required=False)
    agency = forms.CharField(label="Cơ quan", required=False, max_length=50)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the two dates of a custom range are added here.
        self.fields["from"] = forms.CharField(label="Từ ngày", required=False)
        self.fields["to"] = forms.CharField(label="Đến ngày", required=False)
        self.agencies = agencies  # [(code, name)] for the selector, or None: no selector
        self.groupings = [(key, GROUP_LABELS[key]) for key in GROUPINGS]
        self.kinds = KINDS
        self.quarters = QUARTERS

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind is None:
            return data
        period = self._period(kind, data)
        if period is None and kind != CUSTOM:
            return data
        params = {"group_by": data.get("group_by") or "field"}
        if kind == CUSTOM:
            params.update({"from": data.get("from", ""), "to": data.get("to", "")})
        else:
            params.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
        api = SummaryParamsSerializer(data=params)
        if not api.is_valid():
            for name, messages in api.errors.items():
                self.add_error(name if name in self.fields else None, [str(message) for message in messages])
            return data
        checked = api.validated_data
        if kind == CUSTOM:
            period = Period.custom(checked["from"], checked["to"])
        data["period"] = period
        data["group_by"] = checked["group_by"]
        return data

    def _period(self, kind: str, data: dict) -> Period | None:
        """The period of a named kind, or None with the error added next to its field."""
        if kind == CUSTOM:
            return None
        if kind in (OFFICIAL_MONTH, CALENDAR_MONTH):
            match = MONTH_PATTERN.match(data.get("month") or "")
            if match is None:
                self.add_error("month", "Chọn tháng theo dạng năm-tháng, ví dụ 2026-11.")
                return None
            if not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
                self.add_error("month", RANGE_MESSAGE)
                return None
            text, convention, field_name = data["month"], OFFICIAL if kind == OFFICIAL_MONTH else CALENDAR, "month"
        else:
            year = data.get("year")
            if year is None:
                if "year" not in self.errors:
                    self.add_error("year", "Nhập năm, ví dụ 2026.")
                return None
            if not FIRST_YEAR <= year <= LAST_YEAR:
                self.add_error("year", RANGE_MESSAGE)
                return None
            if kind == OFFICIAL_QUARTER:
                if not data.get("quarter"):
                    if "quarter" not in self.errors:
                        self.add_error("quarter", "Chọn quý.")
                    return None
                text, field_name = f"{year}-Q{data['quarter']}", "quarter"
            else:
                text, field_name = str(year), "year"
            convention = OFFICIAL
        try:
            return parse_period(text, convention)
        except ValueError as exc:
            self.add_error(field_name, str(exc))
            return None

    def query_string(self) -> str:
        """The parameters that chose this report, for the .xlsx link (valid forms only)."""
        data = self.cleaned_data
        kind = data["kind"]
        params = [("kind", kind)]
        for name in KIND_PARAMS[kind]:
            params.append((name, self.data.get(name, "")))
        params.append(("group_by", data["group_by"]))
        if data.get("agency"):
            params.append(("agency", data["agency"]))
        return urlencode(params)

    @property
    def date_fields(self) -> list[forms.BoundField]:
        """The two dates of a custom range, for the template (which cannot spell `form.from`)."""
        return [self["from"], self["to"]]


def bind(query: dict, latest: Period, *, agencies=None) -> ReportForm:
    """The form bound to the query string, missing parameters taken from the defaults."""
    return ReportForm({**defaults(latest), **query.dict()}, agencies=agencies)
