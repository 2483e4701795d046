import django_filters

from config import dates
from procedures.models import Agency, CalendarOverride, Field, Procedure


class AgencyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Tìm theo mã hoặc tên")

    class Meta:
        model = Agency
        fields = ["code", "level", "counting_convention"]

    def search(self, queryset, name, value):
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


class FieldFilterSet(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code", label="Mã cơ quan")

    class Meta:
        model = Field
        fields = ["agency", "code"]


class ProcedureFilterSet(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code", label="Mã cơ quan")
    field = django_filters.CharFilter(field_name="field__code", label="Mã lĩnh vực")
    online_level_min = django_filters.NumberFilter(field_name="online_level", lookup_expr="gte")
    q = django_filters.CharFilter(method="search", label="Tìm theo mã hoặc tên")

    class Meta:
        model = Procedure
        fields = [
            "agency",
            "field",
            "code",
            "online_level",
            "processing_unit",
            "supplement_policy",
            "is_active",
            "needs_verification",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


class CalendarOverrideFilterSet(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code", label="Mã cơ quan")
    date_from = dates.DateFilter(field_name="date", lookup_expr="gte")
    date_to = dates.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = CalendarOverride
        fields = ["agency", "kind", "date_from", "date_to"]
