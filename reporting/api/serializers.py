"""Query parameters and response shapes of the report API (also its OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from config import dates
from reporting.figures import COUNT_COLUMNS, GROUPINGS


def _serializer(name: str, fields: dict, base=serializers.Serializer):
    """A serializer class from a dict, for field names that are Python keywords ('from')."""
    return type(name, (base,), fields)


class _PeriodParams(serializers.Serializer):
    agency = serializers.CharField(required=False, help_text="Mã cơ quan; mặc định: mọi cơ quan bạn được xem")

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu (from)."})
        return attrs


OnlineParamsSerializer = _serializer(
    "OnlineParamsSerializer",
    {
        "from": dates.ApiDateField(help_text="Ngày đầu kỳ, YYYY-MM-DD (tính cả ngày này)"),
        "to": dates.ApiDateField(help_text="Ngày cuối kỳ, YYYY-MM-DD (tính cả ngày này)"),
    },
    base=_PeriodParams,
)
SummaryParamsSerializer = _serializer(
    "SummaryParamsSerializer",
    {"group_by": serializers.ChoiceField(choices=GROUPINGS, default="field", help_text="field | procedure | agency")},
    base=OnlineParamsSerializer,
)

_RATES = ("on_time_rate", "late_share", "apology_coverage", "appointment_kept_rate", "avg_processing_days")
RowSerializer = _serializer(
    "ReportRowSerializer",
    {
        "key": serializers.IntegerField(allow_null=True),
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "agency_code": serializers.CharField(),
        **{name: serializers.IntegerField() for name in COUNT_COLUMNS},
        **{name: serializers.FloatField(allow_null=True) for name in _RATES},
    },
)
PeriodSerializer = _serializer(
    "ReportPeriodSerializer",
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "label": serializers.CharField(),
        "end_instant": serializers.DateTimeField(),
    },
)


class ReportAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()
    comparison = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)


class SummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    agency = ReportAgencySerializer(allow_null=True)
    group_by = serializers.CharField()
    rows = RowSerializer(many=True)
    totals = RowSerializer()
    targets = TargetSerializer(many=True)


class OnlineRowSerializer(serializers.Serializer):
    field_code = serializers.CharField(allow_blank=True)
    field_name = serializers.CharField()
    level = serializers.IntegerField()
    mode = serializers.CharField(allow_blank=True)
    received = serializers.IntegerField()
    online = serializers.IntegerField()
    online_rate = serializers.FloatField(allow_null=True)


class OnlineSerializer(serializers.Serializer):
    period = PeriodSerializer()
    agency = ReportAgencySerializer(allow_null=True)
    rows = OnlineRowSerializer(many=True)
    by_level = OnlineRowSerializer(many=True)
    total = OnlineRowSerializer()
    services_total = serializers.IntegerField()
    services_with_online = serializers.IntegerField()
    services_share = serializers.FloatField(allow_null=True)
    targets = TargetSerializer(many=True)
