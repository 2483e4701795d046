import django_filters
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import NotFound

from accounts.filters import AgencyFilterSet
from accounts.scoping import scope_to_user
from config import dates
from feedback.models import SATISFIED_FROM, FeedbackItem, SatisfactionRating, SurveyPlan, SurveySample
from feedback.selectors.items import overdue_q


class RatingFilterSet(AgencyFilterSet):
    field = django_filters.CharFilter(field_name="dossier__field__code", label="Mã lĩnh vực")
    procedure = django_filters.CharFilter(field_name="dossier__procedure__code", label="Mã thủ tục")
    dossier = django_filters.CharFilter(field_name="dossier__code", label="Mã hồ sơ")
    channel = django_filters.ChoiceFilter(choices=SatisfactionRating.Channel.choices)
    rated_from = dates.DateFilter(field_name="rated_date", lookup_expr="gte")
    rated_to = dates.DateFilter(field_name="rated_date", lookup_expr="lte")
    satisfied = django_filters.BooleanFilter(method="filter_satisfied", label="Hài lòng (điểm chung từ 4)")

    class Meta:
        model = SatisfactionRating
        fields = ["agency", "field", "procedure", "dossier", "channel"]

    def filter_satisfied(self, queryset, name, value):
        satisfied = Q(overall__gte=SATISFIED_FROM)
        return queryset.filter(satisfied) if value else queryset.exclude(satisfied)


class FeedbackItemFilterSet(AgencyFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=FeedbackItem.Status.choices)
    category = django_filters.ChoiceFilter(choices=FeedbackItem.Category.choices)
    channel = django_filters.ChoiceFilter(choices=FeedbackItem.Channel.choices)
    assignee = django_filters.CharFilter(field_name="assignee__username", label="Tên đăng nhập người xử lý")
    dossier = django_filters.CharFilter(field_name="dossier__code", label="Mã hồ sơ")
    received_from = dates.DateFilter(field_name="received_date", lookup_expr="gte")
    received_to = dates.DateFilter(field_name="received_date", lookup_expr="lte")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Quá hạn trả lời")
    q = django_filters.CharFilter(method="search", label="Mã, nội dung, họ tên hoặc điện thoại")

    class Meta:
        model = FeedbackItem
        fields = ["agency", "status", "category", "channel"]

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_q(timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(code__icontains=value)
            | Q(content__icontains=value)
            | Q(contact_name__icontains=value)
            | Q(contact_phone__contains=value)
        )


class SurveyPlanFilterSet(AgencyFilterSet):

    class Meta:
        model = SurveyPlan
        fields = ["agency", "year"]


class SurveySampleFilterSet(AgencyFilterSet):
    agency_field = "plan__agency"
    plan = django_filters.NumberFilter(method="filter_plan", label="Kế hoạch khảo sát (cơ quan khác: 404)")
    field = django_filters.CharFilter(field_name="field__code", label="Mã lĩnh vực")
    outcome = django_filters.ChoiceFilter(choices=SurveySample.Outcome.choices)

    class Meta:
        model = SurveySample
        fields = ["agency", "plan", "field", "outcome"]

    def filter_plan(self, queryset, name, value):
        """Another agency's plan is a 404, as its detail is, rather than an empty list."""
        if not scope_to_user(SurveyPlan.objects.all(), self.request.user).filter(pk=value).exists():
            raise NotFound("Không tìm thấy kế hoạch khảo sát này.")
        return queryset.filter(plan_id=value)
