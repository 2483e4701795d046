"""Report API: Biểu 06 as JSON or .xlsx, and the online-service figures.

Every endpoint needs a login and `dossiers.view_dossier`. A user sees their own agency; a
province-wide user or a superuser sees every agency, or one with `agency=CODE`. Another
agency's code is a 404, as for dossiers.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, renderers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import report_scope
from reporting.api import serializers
from reporting.exports import bieu06_bytes, bieu06_filename
from reporting.periods import Period
from reporting.selectors import ONLINE_LEVELS, report_summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ONLINE_TARGETS = ("online_services_share", "online_processing_rate")


class CanViewReports(permissions.BasePermission):
    """Reports are read by whoever may read the agency's dossiers."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("dossiers.view_dossier"))


class XlsxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the workbook by its media type; an error still comes back as JSON."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


class _ReportView(APIView):
    permission_classes = [CanViewReports]
    params_class = serializers.SummaryParamsSerializer

    def report(self, request, *, group_by: str | None = None):
        params = self.params_class(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        agency_ids, agency = report_scope(request.user, data.get("agency"))
        period = Period.custom(data["from"], data["to"])
        report = report_summary(period=period, group_by=group_by or data["group_by"], agency_ids=agency_ids)
        return report, agency

    @staticmethod
    def head(report, agency) -> dict:
        period = report.period
        return {
            "period": {
                "from": period.start, "to": period.end, "label": period.label, "end_instant": period.end_instant,
            },
            "agency": {"code": agency.code, "name": agency.name} if agency else None,
        }


class SummaryView(_ReportView):
    @extend_schema(
        parameters=[serializers.SummaryParamsSerializer],
        responses={200: serializers.SummarySerializer},
        summary="Biểu 06: tình hình, kết quả giải quyết TTHC theo lĩnh vực, thủ tục hoặc cơ quan",
    )
    def get(self, request):
        report, agency = self.report(request)
        body = {
            **self.head(report, agency),
            "group_by": report.group_by,
            "rows": [row.as_dict() for row in report.rows],
            "totals": report.total.as_dict(),
            "targets": [vars(check) for check in report.targets],
        }
        return Response(serializers.SummarySerializer(body).data)


class SummaryExcelView(_ReportView):
    renderer_classes = [renderers.JSONRenderer, XlsxRenderer]

    @extend_schema(
        parameters=[serializers.SummaryParamsSerializer],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="Biểu 06/VPCP/KSTT (.xlsx)")},
        summary="Biểu 06 dạng Excel",
    )
    def get(self, request):
        report, agency = self.report(request)
        content = bieu06_bytes(
            report,
            agency_name=agency.name if agency else "",
            parent_name=agency.parent_name if agency else "",
            locality=agency.locality if agency else "",
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, bieu06_filename(report.period))
        return response


class OnlineView(_ReportView):
    params_class = serializers.OnlineParamsSerializer

    @extend_schema(
        parameters=[serializers.OnlineParamsSerializer],
        responses={200: serializers.OnlineSerializer},
        summary="Dịch vụ công trực tuyến mức độ 3, 4: tỷ lệ hồ sơ trực tuyến theo lĩnh vực và mức độ",
    )
    def get(self, request):
        report, agency = self.report(request, group_by="field")
        online = report.online
        body = {
            **self.head(report, agency),
            "rows": [cell.as_dict() for cell in online.rows],
            "by_level": [online.by_level[level].as_dict() for level in ONLINE_LEVELS],
            "total": online.total.as_dict(),
            "services_total": online.services_total,
            "services_with_online": online.services_with_online,
            "services_share": online.services_share,
            "targets": [vars(check) for check in report.targets if check.key in ONLINE_TARGETS],
        }
        return Response(serializers.OnlineSerializer(body).data)
