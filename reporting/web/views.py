"""Report pages: Biểu 06 with its rates, online figures and targets; the .xlsx; the head's dashboard.

Every page needs a login and `dossiers.view_dossier`. The agency scope is the report API's
(`accounts.scoping.report_scope`): a user sees their own agency; province-wide users and superusers
see every agency or pick one (`agency=CODE`); any other agency's code is a 404. Bad parameters
re-render the page with the message next to the field, with status 400.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from rest_framework.exceptions import NotFound

from accounts.scoping import report_scope, sees_all_agencies
from dossiers.permissions import VIEW_PERMISSION
from procedures.calendar import VN_TZ
from procedures.models import Agency
from reporting import dashboard as dashboard_reads
from reporting.api.views import XLSX
from reporting.exports import bieu06_bytes, bieu06_filename
from reporting.figures import Report
from reporting.selectors import report_summary
from reporting.targets import report_targets
from reporting.web import display
from reporting.web.forms import ReportForm, bind


def _page_scope(user, code: str | None) -> tuple[list[int] | None, Agency | None]:
    """The API's scope rule; a foreign or unknown agency is a 404 page here."""
    try:
        return report_scope(user, (code or "").strip() or None)
    except NotFound as exc:
        raise Http404(str(exc.detail)) from exc


def _scope_name(user, agency: Agency | None) -> str:
    if agency is not None:
        return agency.name
    return "Tất cả cơ quan" if sees_all_agencies(user) else ""


def _agency_choices(user) -> list[tuple[str, str]] | None:
    """[(code, name)] for the selector of a province-wide user; None for everyone else."""
    if not sees_all_agencies(user):
        return None
    return list(Agency.objects.order_by("code").values_list("code", "name"))


def _report(request, *, selector: bool = True) -> tuple[ReportForm, Report | None, Agency | None]:
    """The form bound to the query string and, when it is valid, the report it asks for."""
    agency_ids, agency = _page_scope(request.user, request.GET.get("agency"))
    today = timezone.now().astimezone(VN_TZ).date()
    agencies = _agency_choices(request.user) if selector else None
    form = bind(request.GET, dashboard_reads.latest_complete_official_month(today), agencies=agencies)
    if not form.is_valid():
        return form, None, agency
    data = form.cleaned_data
    report = report_summary(period=data["period"], group_by=data["group_by"], agency_ids=agency_ids)
    return form, report, agency


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def report(request):
    form, result, agency = _report(request)
    context = {"form": form, "report": result, "agency": agency}
    if result is None:
        return render(request, "reporting/report.html", context, status=400)
    rows, total = display.bieu06_rows(result)
    context.update(
        {
            "rows": rows,
            "total": total,
            "group_headers": display.GROUP_HEADERS,
            "row_header": display.ROW_HEADERS[result.group_by],
            "column_numbers": [f"({number})" for number in range(1, len(total.cells) + 3)],
            "online": display.online_rows(result),
            "targets": display.target_rows(result.targets),
            "agency_name": _scope_name(request.user, agency),
            "query_string": form.query_string(),
        }
    )
    return render(request, "reporting/report.html", context)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def report_xlsx(request):
    """Biểu 06 as the report API's .xlsx (reporting/exports.py), for the same parameters as the page."""
    form, result, agency = _report(request, selector=False)
    if result is None:
        return render(request, "reporting/report.html", {"form": form, "report": None, "agency": agency}, status=400)
    content = bieu06_bytes(
        result,
        agency_name=agency.name if agency else "",
        parent_name=agency.parent_name if agency else "",
        locality=agency.locality if agency else "",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, bieu06_filename(result.period))
    return response


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard(request):
    user = request.user
    code = (request.GET.get("agency") or "").strip()
    agency_ids, agency = _page_scope(user, code)
    data = dashboard_reads.dashboard(
        user=user,
        agency_ids=agency_ids,
        agency=agency,
        at=timezone.now(),
        with_feedback=user.has_perm("feedback.view_feedbackitem"),
        with_satisfaction=user.has_perm("feedback.view_satisfactionrating"),
    )
    target = report_targets()["on_time_rate"]
    search = f"{reverse('dossiers:search')}?overdue=true"
    context = {
        "data": data,
        "agency": agency,
        "scope_name": _scope_name(user, agency),
        "all_overdue_url": f"{search}&agency={quote(agency.code)}" if agency and code else search,
        "agency_code": code,
        "agencies": _agency_choices(user),
        "chart": display.chart(data.series, target),
        "targets": display.target_rows(data.report.targets),
        "risk_days": dashboard_reads.RISK_WORKING_DAYS,
        "satisfaction_rate": display.percent(data.satisfaction["satisfaction_rate"]) if data.satisfaction else "",
        "satisfaction_target": display.percent(data.satisfaction["target"]) if data.satisfaction else "",
        "response_rate": display.percent(data.satisfaction["response_rate"]) if data.satisfaction else "",
    }
    return render(request, "reporting/dashboard.html", context)
