"""Catalogue API: read for every logged-in user, write for administrators."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import scope_agencies, scope_to_user, sees_all_agencies
from config.viewsets import FilterListsOnly
from procedures import calendar
from procedures.api import filtersets, serializers
from procedures.models import Agency, CalendarOverride, Field, Procedure

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


class CatalogueWriteScope:
    """Everyone logged in reads the whole catalogue; writes reach only the user's agency.

    Another agency's entry is a 404 to a write, as everywhere else; naming another agency in a
    body is a 400 (the serializers). A province-wide administrator or a superuser writes all.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method in permissions.SAFE_METHODS:
            return queryset
        return self.scope_writes(queryset)

    def scope_writes(self, queryset):
        return scope_to_user(queryset, self.request.user)


class ProvinceCreatesAndDeletes:
    """Adding or removing an agency is the province's: 403 for an agency's administrator."""

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method in {"POST", "DELETE"} and not sees_all_agencies(request.user):
            raise PermissionDenied("Chỉ quản trị cấp tỉnh được thêm hoặc xóa cơ quan.")


class AgencyViewSet(ProvinceCreatesAndDeletes, CatalogueWriteScope, FilterListsOnly, viewsets.ModelViewSet):
    queryset = Agency.objects.all()

    def scope_writes(self, queryset):
        return scope_agencies(queryset, self.request.user)
    serializer_class = serializers.AgencySerializer
    filterset_class = filtersets.AgencyFilterSet
    ordering_fields = ["code", "name"]


class FieldViewSet(CatalogueWriteScope, FilterListsOnly, viewsets.ModelViewSet):
    queryset = Field.objects.select_related("agency")
    serializer_class = serializers.FieldSerializer
    filterset_class = filtersets.FieldFilterSet
    ordering_fields = ["code", "name"]


class ProcedureViewSet(CatalogueWriteScope, FilterListsOnly, viewsets.ModelViewSet):
    queryset = Procedure.objects.select_related("agency", "field")
    serializer_class = serializers.ProcedureSerializer
    filterset_class = filtersets.ProcedureFilterSet
    ordering_fields = ["code", "name", "processing_amount", "online_level"]


class CalendarOverrideViewSet(CatalogueWriteScope, FilterListsOnly, viewsets.ModelViewSet):
    """Overrides for every agency (no agency) are written by the province only."""

    queryset = CalendarOverride.objects.select_related("agency")
    serializer_class = serializers.CalendarOverrideSerializer
    filterset_class = filtersets.CalendarOverrideFilterSet
    ordering_fields = ["date"]


def _query_data(request) -> dict:
    data = request.query_params.dict()
    # An unencoded "+07:00" arrives as " 07:00"; put the sign back rather than reject it.
    if "received_at" in data:
        data["received_at"] = re.sub(r" (\d{2}:?\d{2})$", r"+\1", data["received_at"])
    return data


class DueAtView(APIView):
    """The due instant of a processing time, as the intake form and other systems need it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[serializers.DueAtQuerySerializer],
        responses=serializers.DueAtSerializer,
        summary="Tính ngày hẹn trả kết quả",
    )
    def get(self, request):
        query = serializers.DueAtQuerySerializer(data=_query_data(request))
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            result = calendar.deadline(
                params["received_at"], params["amount"], params["unit"], params.get("agency")
            )
        except (ValueError, OverflowError):
            return Response({"received_at": ["Thời điểm nằm ngoài phạm vi lịch làm việc."]}, status=400)
        return Response(serializers.DueAtSerializer(result).data)


class NonWorkingDaysView(APIView):
    """Weekdays that are not worked in a range, each with its reason."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="Từ ngày (YYYY-MM-DD)"),
            OpenApiParameter("to", str, required=True, description="Đến ngày (YYYY-MM-DD)"),
            OpenApiParameter("agency", str, required=False, description="Mã cơ quan"),
        ],
        responses=serializers.NonWorkingDaySerializer(many=True),
        summary="Các ngày nghỉ trong tuần (lễ, Tết, nghỉ bù, điều chỉnh)",
    )
    def get(self, request):
        query = serializers.NonWorkingQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        agency = params.get("agency")
        days = calendar.non_working_weekdays(params["from"], params["to"], agency)
        reasons = calendar.non_working_reasons(days, agency)
        rows = [{"date": day, "weekday": WEEKDAYS_VI[day.weekday()], "reason": reasons[day]} for day in days]
        return Response(serializers.NonWorkingDaySerializer(rows, many=True).data)
