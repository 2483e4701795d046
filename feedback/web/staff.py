"""Staff pages: the counter kiosk, the feedback list / detail / record form, the report.

Every read is scoped with `scope_to_user` (another agency's dossier or item is a 404), and
`?agency=` naming another agency is a 404 too (`agency_or_404`); every write goes through
`feedback.services`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import agency_or_404, scope_to_user, user_agency
from config.exceptions import ConflictError
from dossiers.models import Dossier, Status
from dossiers.web.forms import add_service_errors
from feedback import exports, selectors, services
from feedback.api.filtersets import FeedbackItemFilterSet
from feedback.models import FeedbackEvent, FeedbackItem, SatisfactionRating
from feedback.web import forms
from privacy.services import Kind as ReadKind
from privacy.services import access_record
from procedures.calendar import VN_TZ

PAGE_SIZE = 25
TOKEN_SESSION_KEY = "feedback_staff_token"  # noqa: S105 - a session key name
E = FeedbackEvent.Type


# ---------------------------------------------------------------------------- kiosk


def _returned_dossier(user, code: str) -> Dossier:
    dossiers = scope_to_user(Dossier.objects.select_related("procedure", "agency"), user)
    return get_object_or_404(dossiers, code=code)


@login_required
@permission_required("feedback.add_satisfactionrating", raise_exception=True)
def kiosk_start(request):
    """The officer types the code of a dossier just returned, then turns the screen to the citizen."""
    form = forms.CodeForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("feedback:kiosk_rate", code=form.cleaned_data["ma"])
    return render(request, "feedback/kiosk_start.html", {"form": form})


@login_required
@permission_required("feedback.add_satisfactionrating", raise_exception=True)
@require_http_methods(["GET", "POST"])
def kiosk_rate(request, code: str):
    dossier = _returned_dossier(request.user, code)
    context: dict[str, Any] = {"dossier": dossier}
    if dossier.status != Status.RETURNED:
        context["conflict"] = f"Hồ sơ {dossier.code} chưa trả kết quả, chưa thể đánh giá sự hài lòng."
        return render(request, "feedback/kiosk_rate.html", context, status=409)
    rating = selectors.rating_of(dossier)
    context["rating"] = rating
    if request.method == "GET":
        context["scores"] = forms.ScoresForm(initial=forms.initial_scores(rating))
        return render(request, "feedback/kiosk_rate.html", context)
    scores = forms.ScoresForm(request.POST)
    context["scores"] = scores
    if scores.is_valid():
        try:
            services.rating_submit(
                dossier=dossier,
                channel=SatisfactionRating.Channel.COUNTER,
                actor=request.user,
                **services.criteria_kwargs(scores.cleaned_data),
            )
        except ConflictError as exc:
            context["conflict"] = str(exc)
            return render(request, "feedback/kiosk_rate.html", context, status=409)
        except ValidationError as exc:
            add_service_errors(scores, exc)
        else:
            return redirect("feedback:kiosk_done", code=dossier.code)
    return render(request, "feedback/kiosk_rate.html", context)


@login_required
@permission_required("feedback.add_satisfactionrating", raise_exception=True)
def kiosk_done(request, code: str):
    dossier = _returned_dossier(request.user, code)
    return render(request, "feedback/thanks.html", {"dossier": dossier, "again_url": "feedback:kiosk_start"})


# ---------------------------------------------------------------------------- feedback items


@login_required
@permission_required("feedback.view_feedbackitem", raise_exception=True)
def items(request):
    data = request.GET.copy()
    for key in [k for k in data if not any(data.getlist(k))]:
        del data[key]  # an empty "Tất cả" choice means no filter, not an invalid one
    agency_or_404(request.user, data.get("agency"))  # the filter's NotFound would be a 500 on a page
    filterset = FeedbackItemFilterSet(data, queryset=selectors.feedback_items(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    now = timezone.now()
    keep = request.GET.copy()
    keep.pop("trang", None)
    context = {
        "page": page,
        "rows": [(item, item.is_overdue(now)) for item in page.object_list],
        "statuses": FeedbackItem.Status.choices,
        "categories": FeedbackItem.Category.choices,
        "q": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
        "category": request.GET.get("category", ""),
        "overdue": request.GET.get("overdue") == "true",
        "query_string": keep.urlencode(),
    }
    return render(request, "feedback/staff_list.html", context)


def _item_agency(user):
    agency = user_agency(user)
    if agency is None:
        raise ValidationError("Tài khoản chưa gắn với cơ quan nào; hãy ghi nhận qua API với mã cơ quan.")
    return agency


@login_required
@permission_required("feedback.add_feedbackitem", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record(request):
    form = forms.StaffFeedbackForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            agency = _item_agency(request.user)
            dossier_code = data.pop("dossier_code").strip()
            dossier = None
            if dossier_code:
                dossier = Dossier.objects.filter(agency=agency, code__iexact=dossier_code).first()
                if dossier is None:
                    raise ValidationError({"dossier_code": "Không có hồ sơ này trong cơ quan."})
            receipt = services.feedback_receive(agency=agency, actor=request.user, dossier=dossier, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[TOKEN_SESSION_KEY] = {
                "code": receipt.item.code, "token": services.format_token(receipt.token)
            }
            messages.success(request, f"Đã ghi nhận {receipt.item.get_category_display().lower()} {receipt.item.code}.")
            return redirect("feedback:detail", code=receipt.item.code)
    return render(request, "feedback/staff_record.html", {"form": form})


@dataclass(frozen=True)
class Action:
    form_class: type
    button: str
    done: str


ACTIONS: dict[str, Action] = {
    E.ASSIGNED: Action(forms.AssignForm, "Phân công xử lý", "Đã phân công xử lý {code}."),
    E.ANSWERED: Action(forms.AnswerForm, "Trả lời", "Đã trả lời {code}; người dân xem được qua trang tra cứu."),
    E.CLOSED: Action(forms.CloseForm, "Đóng", "Đã đóng {code}."),
}


def _make_form(kind: str, item: FeedbackItem, data=None):
    spec = ACTIONS[kind]
    extra = {"item": item} if spec.form_class is forms.AssignForm else {}
    return spec.form_class(data, prefix=kind, **extra)


def _render_item(request, item: FeedbackItem, *, bound=None, kind: str = "", error: str = "", status: int = 200):
    # The citizen's contact; the item is logged by its own code (its dossier, if any, is not loaded).
    access_record(request=request, kind=ReadKind.FEEDBACK_PAGE, agency_id=item.agency_id, subject=item.code)
    can_act = request.user.has_perm("feedback.change_feedbackitem")
    action_forms = []
    if can_act:
        for allowed in services.allowed_actions(item):
            form = bound if allowed == kind and bound is not None else _make_form(allowed, item)
            action_forms.append({"kind": allowed, "spec": ACTIONS[allowed], "form": form})
    token = request.session.get(TOKEN_SESSION_KEY)
    if token and token.get("code") == item.code:
        del request.session[TOKEN_SESSION_KEY]  # shown once
    else:
        token = None
    context = {
        "item": item,
        "events": item.events.select_related("actor"),
        "overdue": item.is_overdue(timezone.now()),
        "action_forms": action_forms,
        "action_error": error,
        "token": token,
    }
    return render(request, "feedback/staff_detail.html", context, status=status)


def _get_item(user, code: str) -> FeedbackItem:
    return get_object_or_404(selectors.feedback_items(user), code=code)


@login_required
@permission_required("feedback.view_feedbackitem", raise_exception=True)
def detail(request, code: str):
    return _render_item(request, _get_item(request.user, code))


@login_required
@permission_required("feedback.view_feedbackitem", raise_exception=True)
@require_POST
def act(request, code: str, kind: str):
    item = _get_item(request.user, code)  # another agency's item: 404 whatever the role, as for dossiers
    if kind not in ACTIONS:
        raise Http404("Thao tác không tồn tại.")
    if not request.user.has_perm("feedback.change_feedbackitem"):
        raise PermissionDenied("Bạn không có quyền xử lý phản ánh, kiến nghị.")
    form = _make_form(kind, item, request.POST)
    if form.is_valid():
        service = {E.ASSIGNED: services.feedback_assign, E.ANSWERED: services.feedback_answer,
                   E.CLOSED: services.feedback_close}[kind]
        try:
            service(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            return _render_item(request, _get_item(request.user, code), error=str(exc), status=409)
        else:
            messages.success(request, ACTIONS[kind].done.format(code=item.code))
            return redirect("feedback:detail", code=item.code)
    return _render_item(request, item, bound=form, kind=kind)


# ---------------------------------------------------------------------------- report


def _period(request) -> tuple[dt.date, dt.date, forms.ReportPeriodForm]:
    """The requested local-date range (by default the current month up to today) and its form.

    A date the form refuses (badly written, or outside the calendar's years) leaves the default
    in its place; the caller answers 400 with the form's message next to the field.
    """
    today = timezone.now().astimezone(VN_TZ).date()
    form = forms.ReportPeriodForm(request.GET)
    cleaned = form.cleaned_data if form.is_valid() else {}
    date_from = cleaned.get("tu") or today.replace(day=1)
    date_to = cleaned.get("den") or today
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return date_from, date_to, form


@login_required
@permission_required("feedback.view_satisfactionrating", raise_exception=True)
def report(request):
    """`?agency=CODE` narrows to one agency, as on the reporting pages; another agency's code is a 404."""
    agency = agency_or_404(request.user, request.GET.get("agency"))
    code = agency.code if agency else None
    date_from, date_to, period_form = _period(request)
    group_by = request.GET.get("theo") if request.GET.get("theo") in selectors.GROUPINGS else "field"
    context = {
        "date_from": date_from,
        "date_to": date_to,
        "period_form": period_form,
        "group_by": group_by,
        "agency": agency,
        "groupings": [(key, grouping.label) for key, grouping in selectors.GROUPINGS.items()],
        "satisfaction": selectors.satisfaction_report(
            user=request.user, date_from=date_from, date_to=date_to, group_by=group_by, agency_code=code
        ),
    }
    if request.user.has_perm("feedback.view_feedbackitem"):
        context["feedback"] = selectors.feedback_report(
            user=request.user, date_from=date_from, date_to=date_to, agency_code=code
        )
    return render(request, "feedback/report.html", context, status=400 if period_form.errors else 200)


@login_required
@permission_required("feedback.view_satisfactionrating", raise_exception=True)
def report_xlsx(request):
    agency = agency_or_404(request.user, request.GET.get("agency"))
    date_from, date_to, period_form = _period(request)
    if period_form.errors:
        return report(request)
    content = exports.satisfaction_workbook(
        user=request.user, date_from=date_from, date_to=date_to, agency_code=agency.code if agency else None
    )
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hai-long_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"'
    return response
