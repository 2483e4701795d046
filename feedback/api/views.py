"""Feedback API: satisfaction ratings and reports, feedback items (GYPAKN), survey plans.

Every queryset is scoped with `scope_to_user`, so another agency's item is a 404; so is
`?agency=` naming another agency or an unknown one (`accounts.scoping`). Writes go
through `feedback.services`; their ValidationError / ConflictError become 400 / 409 in
`config.exceptions.api_exception_handler`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import scope_to_user, sees_all_agencies, user_agency
from config.viewsets import FilterListsOnly
from dossiers.models import Dossier
from feedback import exports, selectors, services
from feedback.api import filtersets, serializers
from feedback.models import SatisfactionRating, SurveyPlan, SurveySample
from privacy.services import Kind as ReadKind
from privacy.services import Source, access_record
from procedures.models import Agency, Procedure


class ActionPermission(permissions.BasePermission):
    """A login, plus the permission `view.action_permissions` names for the action (or "default").

    On one object (detail, assign, answer, export, ...) the action's own permission is checked
    after the agency-scoped lookup, so another agency's object is a 404 for every reader, as
    dossiers and apology letters are; the read permission ("default") is still needed up front.
    """

    @staticmethod
    def needed(view) -> str:
        return view.action_permissions.get(view.action, view.action_permissions["default"])

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if getattr(view, "detail", False):
            return request.user.has_perm(view.action_permissions["default"])
        return request.user.has_perm(self.needed(view))

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(self.needed(view))


def resolve_agency(user, code: str | None) -> Agency:
    """The agency a write is for: the user's own, or the one named when they see several."""
    if not sees_all_agencies(user):
        agency = user_agency(user)
        if agency is None or (code and code != agency.code):
            raise ValidationError({"agency": "Tài khoản không thuộc cơ quan này."})
        return agency
    if not code:
        raise ValidationError({"agency": "Cần ghi rõ mã cơ quan."})
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ValidationError({"agency": f"Không có cơ quan mã {code!r}."})
    return agency


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------- ratings


class RatingViewSet(FilterListsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.RatingSerializer
    filterset_class = filtersets.RatingFilterSet
    ordering_fields = ["first_rated_at", "overall"]
    permission_classes = [ActionPermission]
    action_permissions = {"default": "feedback.view_satisfactionrating", "create": "feedback.add_satisfactionrating"}

    def get_queryset(self):
        queryset = SatisfactionRating.objects.select_related("agency", "dossier__field", "dossier__procedure")
        return scope_to_user(queryset, self.request.user)

    @extend_schema(
        request=serializers.RatingCreateSerializer,
        responses={201: serializers.RatingSerializer, 200: serializers.RatingSerializer},
        summary="Ghi nhận (hoặc sửa trong thời hạn) đánh giá tại quầy",
    )
    def create(self, request):
        data = serializers.RatingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        code = params.pop("dossier")
        dossier = scope_to_user(Dossier.objects.all(), request.user).filter(code=code).first()
        if dossier is None:
            raise ValidationError({"dossier": "Không có hồ sơ này trong cơ quan của bạn."})
        existed = SatisfactionRating.objects.filter(dossier=dossier).exists()
        rating = services.rating_submit(
            dossier=dossier, channel=SatisfactionRating.Channel.COUNTER, actor=request.user, **params
        )
        body = serializers.RatingSerializer(self.get_queryset().get(pk=rating.pk)).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def _period(self, request, query_class=serializers.PeriodSerializer) -> dict:
        query = query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    @extend_schema(parameters=[serializers.SatisfactionReportQuerySerializer], responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def report(self, request):
        """Satisfaction and response rates by field, procedure, agency or month, beside the target."""
        params = self._period(request, serializers.SatisfactionReportQuerySerializer)
        report = selectors.satisfaction_report(
            user=request.user,
            date_from=params["date_from"],
            date_to=params["date_to"],
            group_by=params["group_by"],
            agency_code=params["agency"] or None,
        )
        return Response(report)

    @extend_schema(
        parameters=[serializers.PeriodSerializer],
        responses={(200, exports.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=False, methods=["get"], url_path="report-xlsx")
    def report_xlsx(self, request):
        """The same figures as an .xlsx workbook."""
        params = self._period(request)
        content = exports.satisfaction_workbook(
            user=request.user, date_from=params["date_from"], date_to=params["date_to"],
            agency_code=params["agency"] or None,
        )
        return _xlsx(content, f"hai-long_{params['date_from']:%Y%m%d}-{params['date_to']:%Y%m%d}.xlsx")


# ---------------------------------------------------------------------------- feedback items


class FeedbackItemViewSet(FilterListsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    filterset_class = filtersets.FeedbackItemFilterSet
    ordering_fields = ["received_at", "due_at", "code"]
    permission_classes = [ActionPermission]
    action_permissions = {
        "default": "feedback.view_feedbackitem",
        "create": "feedback.add_feedbackitem",
        "assign": "feedback.change_feedbackitem",
        "answer": "feedback.change_feedbackitem",
        "close": "feedback.change_feedbackitem",
    }

    def get_queryset(self):
        queryset = selectors.feedback_items(self.request.user)
        if self.action != "list":
            queryset = queryset.prefetch_related("events__actor")
        return queryset

    def get_serializer_class(self):
        return serializers.FeedbackItemSerializer if self.action == "list" else serializers.FeedbackItemDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        access_record(
            request=request, kind=ReadKind.FEEDBACK_PAGE, agency_id=item.agency_id, subject=item.code, source=Source.API
        )
        return Response(self.get_serializer(item).data)

    def _respond(self, item, code=status.HTTP_200_OK):
        item = self.get_queryset().prefetch_related("events__actor").get(pk=item.pk)
        return Response(serializers.FeedbackItemDetailSerializer(item).data, status=code)

    @extend_schema(
        request=serializers.FeedbackCreateSerializer,
        responses={201: serializers.FeedbackItemDetailSerializer},
        summary="Cán bộ ghi nhận góp ý nhận qua thư điện tử, đường dây nóng hoặc trực tiếp",
    )
    def create(self, request):
        data = serializers.FeedbackCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        agency = resolve_agency(request.user, params.pop("agency", None))
        dossier_code, procedure_code = params.pop("dossier"), params.pop("procedure")
        if dossier_code:
            params["dossier"] = Dossier.objects.filter(agency=agency, code=dossier_code).first()
            if params["dossier"] is None:
                raise ValidationError({"dossier": "Không có hồ sơ này trong cơ quan."})
        if procedure_code:
            params["procedure"] = Procedure.objects.filter(agency=agency, code=procedure_code).first()
            if params["procedure"] is None:
                raise ValidationError({"procedure": "Không có thủ tục này trong cơ quan."})
        receipt = services.feedback_receive(agency=agency, actor=request.user, **params)
        response = self._respond(receipt.item, status.HTTP_201_CREATED)
        # The look-up token exists only in this answer: hand it to the citizen now.
        response.data["lookup_token"] = services.format_token(receipt.token)
        return response

    @extend_schema(request=serializers.AssignSerializer, responses=serializers.FeedbackItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, code=None):
        item = self.get_object()  # 404 for another agency, then 403 without the permission
        data = serializers.AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = get_user_model().objects.filter(username=data.validated_data["assignee"]).first()
        item = services.feedback_assign(
            item=item, actor=request.user, assignee=assignee, note=data.validated_data["note"]
        )
        return self._respond(item)

    @extend_schema(request=serializers.AnswerSerializer, responses=serializers.FeedbackItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, code=None):
        item = self.get_object()
        data = serializers.AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.feedback_answer(item=item, actor=request.user, **data.validated_data)
        return self._respond(item)

    @extend_schema(request=serializers.CloseSerializer, responses=serializers.FeedbackItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, code=None):
        item = self.get_object()
        data = serializers.CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.feedback_close(item=item, actor=request.user, **data.validated_data)
        return self._respond(item)

    @extend_schema(
        responses=inline_serializer(
            "OverdueFeedbackItem",
            fields={
                "code": drf_serializers.CharField(),
                "category": drf_serializers.CharField(),
                "category_display": drf_serializers.CharField(),
                "channel": drf_serializers.CharField(),
                "status": drf_serializers.CharField(),
                "status_display": drf_serializers.CharField(),
                "received_at": drf_serializers.DateTimeField(),
                "due_at": drf_serializers.DateTimeField(),
                "agency_code": drf_serializers.CharField(),
                "assignee_username": drf_serializers.CharField(allow_null=True),
            },
            many=True,
        ),
        summary="Phản ánh, kiến nghị quá hạn trả lời",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def overdue(self, request):
        agency = request.query_params.get("agency") or None
        return Response(selectors.overdue_feedback(user=request.user, agency_code=agency))

    @extend_schema(parameters=[serializers.PeriodSerializer], responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def report(self, request):
        """Received, answered on time / late, open and overdue, by category."""
        query = serializers.PeriodSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return Response(
            selectors.feedback_report(
                user=request.user, date_from=params["date_from"], date_to=params["date_to"],
                agency_code=params["agency"] or None,
            )
        )


# ---------------------------------------------------------------------------- survey plans


class SurveyPlanViewSet(FilterListsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.SurveyPlanSerializer
    permission_classes = [ActionPermission]
    ordering_fields = ["year", "created_at"]
    filterset_class = filtersets.SurveyPlanFilterSet
    action_permissions = {
        "default": "feedback.view_surveyplan",
        "create": "feedback.add_surveyplan",
        "export": "feedback.export_surveyplan",
    }

    def get_queryset(self):
        queryset = SurveyPlan.objects.select_related("agency").annotate(
            sample_size=Count("samples"),
            answered=Count("samples", filter=Q(samples__outcome=SurveySample.Outcome.ANSWERED)),
        ).order_by("-year", "-created_at", "-id")  # GROUP BY drops the Meta ordering
        return scope_to_user(queryset, self.request.user)

    @extend_schema(request=serializers.SurveyPlanCreateSerializer, responses={201: serializers.SurveyPlanSerializer})
    def create(self, request):
        data = serializers.SurveyPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        agency = resolve_agency(request.user, params.pop("agency", None))
        plan = services.survey_plan_create(agency=agency, actor=request.user, **params)
        body = serializers.SurveyPlanSerializer(self.get_queryset().get(pk=plan.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, exports.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The call list with names and phones (permission `export_surveyplan`)."""
        plan = self.get_object()
        access_record(
            request=request, kind=ReadKind.SURVEY_EXPORT, agency_id=plan.agency_id, count=plan.sample_size,
            subject=f"Kế hoạch khảo sát #{plan.pk}: {plan.title}", source=Source.API,
        )
        return _xlsx(exports.survey_workbook(plan), f"khao-sat_{plan.year}_{plan.pk}.xlsx")


class SurveySampleViewSet(FilterListsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.SurveySampleSerializer
    filterset_class = filtersets.SurveySampleFilterSet
    permission_classes = [ActionPermission]
    action_permissions = {"default": "feedback.view_surveyplan", "record": "feedback.change_surveyplan"}

    def get_queryset(self):
        queryset = SurveySample.objects.select_related("dossier", "field", "rating")
        return scope_to_user(queryset, self.request.user, agency_field="plan__agency")

    @extend_schema(request=serializers.SurveyResultSerializer, responses=serializers.SurveySampleSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Enter the outcome of one call; an answered call becomes a "phone_survey" rating."""
        sample = self.get_object()
        data = serializers.SurveyResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        outcome, note = params.pop("outcome"), params.pop("note")
        sample = services.survey_record_result(
            sample=sample, actor=request.user, outcome=outcome, note=note, scores=params
        )
        return Response(serializers.SurveySampleSerializer(self.get_queryset().get(pk=sample.pk)).data)
