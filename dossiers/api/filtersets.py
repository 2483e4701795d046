import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.filters import AgencyFilterSet
from config import dates
from dossiers.models import Channel, Dossier, Status, overdue_q


class DossierFilterSet(AgencyFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    field = django_filters.CharFilter(field_name="field__code", label="Mã lĩnh vực")
    procedure = django_filters.CharFilter(field_name="procedure__code", label="Mã thủ tục")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Đang quá hạn")
    due_before = dates.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt")
    received_from = dates.DateFilter(field_name="received_date", lookup_expr="gte")
    received_to = dates.DateFilter(field_name="received_date", lookup_expr="lte")
    q = django_filters.CharFilter(method="search", label="Mã hồ sơ, họ tên, điện thoại hoặc số định danh")

    class Meta:
        model = Dossier
        fields = ["status", "agency", "field", "procedure", "channel"]

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_q(timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value)
            | Q(applicant_name__icontains=value)
            | Q(applicant_phone__contains=value)
            | Q(applicant_id_number=value)
        )

