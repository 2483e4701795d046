"""Counter pages: intake, search, dossier page with its actions, printable forms, public look-up.

Views only translate HTTP to service calls and back. Every dossier read is scoped with
`scope_to_user`, so another agency's dossier is a 404; every write goes through
`dossiers.services`, whose ValidationError / PermissionDenied / ConflictError messages are
shown as they are.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import agency_or_404, scope_to_user
from config.db import LOCK_CONFLICT_MESSAGE, is_lock_conflict
from config.exceptions import ConflictError
from dossiers import services
from dossiers.api.filtersets import DossierFilterSet
from dossiers.deadlines import derive_schedule
from dossiers.history import HISTORY_PERMISSION, dossier_history
from dossiers.models import Dossier, DossierEvent, Status
from dossiers.permissions import VIEW_PERMISSION, can_act, can_act_at_all, permitted_actions, unit_refusal
from dossiers.web import forms
from dossiers.web.ratelimit import count_failed_guess, phone_guess_refusal
from privacy.services import Kind as ReadKind
from privacy.services import access_record

E = DossierEvent.Type
PAGE_SIZE = 25


@dataclass(frozen=True)
class Action:
    """How one lifecycle event is offered on the dossier page."""

    form_class: type[forms.ActionForm]
    service: Any
    button: str
    done: str  # success message; {code} is the dossier code
    confirm: str = ""
    danger: bool = False


ACTIONS: dict[str, Action] = {
    E.SUPPLEMENT_REQUESTED: Action(
        forms.RequestSupplementForm,
        services.dossier_request_supplement,
        "Yêu cầu bổ sung hồ sơ",
        "Đã ghi nhận yêu cầu bổ sung hồ sơ {code}. In Mẫu 02 để gửi người nộp.",
    ),
    E.SUPPLEMENT_RECEIVED: Action(
        forms.NoteActionForm,
        services.dossier_receive_supplement,
        "Nhận hồ sơ bổ sung",
        "Đã nhận hồ sơ bổ sung cho hồ sơ {code}.",
    ),
    E.SUSPENDED: Action(
        forms.ReasonActionForm,
        services.dossier_suspend,
        "Tạm dừng",
        "Đã tạm dừng hồ sơ {code}.",
    ),
    E.RESUMED: Action(
        forms.NoteActionForm,
        services.dossier_resume,
        "Tiếp tục xử lý",
        "Hồ sơ {code} đã được tiếp tục xử lý.",
    ),
    E.TRANSFERRED: Action(
        forms.TransferForm,
        services.dossier_transfer,
        "Chuyển xử lý",
        "Đã chuyển hồ sơ {code}.",
    ),
    E.RESULT_READY: Action(
        forms.FinishForm,
        services.dossier_finish,
        "Ghi nhận có kết quả",
        "Đã ghi nhận kết quả của hồ sơ {code}.",
    ),
    E.RETURNED: Action(
        forms.NoteActionForm,
        services.dossier_return,
        "Trả kết quả",
        "Đã trả kết quả hồ sơ {code}.",
    ),
    E.REFUSED: Action(
        forms.ReasonActionForm,
        services.dossier_refuse,
        "Từ chối giải quyết",
        "Đã từ chối hồ sơ {code}. In Mẫu 03 để gửi người nộp.",
        confirm="Từ chối giải quyết hồ sơ này? Thao tác không hoàn tác được.",
        danger=True,
    ),
    E.WITHDRAWN: Action(
        forms.ReasonActionForm,
        services.dossier_withdraw,
        "Rút hồ sơ",
        "Đã ghi nhận rút hồ sơ {code}.",
        confirm="Ghi nhận người nộp rút hồ sơ này? Thao tác không hoàn tác được.",
        danger=True,
    ),
}


def _dossiers(user):
    return scope_to_user(Dossier.objects.select_related("agency", "procedure", "field", "received_by"), user)


def _get_dossier(user, code: str) -> Dossier:
    return get_object_or_404(_dossiers(user), code=code)


# ---------------------------------------------------------------------------- intake


@login_required
@permission_required("dossiers.add_dossier", raise_exception=True)
@require_http_methods(["GET", "POST"])
def intake(request):
    form = forms.IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        documents = forms.DocumentFormSet(request.POST, prefix="docs")
        if form.is_valid() and documents.is_valid():
            try:
                dossier = services.dossier_receive(
                    actor=request.user, documents=documents.documents, **form.service_kwargs()
                )
            except ValidationError as exc:
                forms.add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Đã tiếp nhận hồ sơ {dossier.code}.")
                return redirect("dossiers:receipt", code=dossier.code)
    else:
        # `?procedure=ID` only pre-selects a procedure: anything but a plausible id selects none.
        wanted = request.GET.get("procedure", "")
        chosen = (
            form.fields["procedure"].queryset.filter(pk=int(wanted)).first()
            if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18
            else None
        )
        if chosen is not None:
            form.initial["procedure"] = chosen.pk
        documents = forms.DocumentFormSet(prefix="docs", initial=forms.document_rows(chosen))
    procedures = list(form.fields["procedure"].queryset)
    context = {
        "form": form,
        "documents": documents,
        "catalogue": forms.procedure_catalogue(procedures),
        "has_procedures": bool(procedures),
        "now": timezone.now(),
    }
    return render(request, "dossiers/intake.html", context)


# ---------------------------------------------------------------------------- search


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def search(request):
    data = request.GET.copy()
    for key in [k for k in data if not any(data.getlist(k))]:
        del data[key]  # an empty "Tất cả" choice means no filter, not an invalid one
    agency_or_404(request.user, data.get("agency"))  # another agency's code: 404, as in the API
    filterset = DossierFilterSet(data, queryset=_dossiers(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    now = timezone.now()
    rows = [(dossier, dossier.classify(now)) for dossier in page.object_list]
    keep = request.GET.copy()
    keep.pop("trang", None)
    context = {
        "page": page,
        "rows": rows,
        "statuses": Status.choices,
        "q": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
        "overdue": request.GET.get("overdue") == "true",
        "query_string": keep.urlencode(),
    }
    return render(request, "dossiers/search.html", context)


# ---------------------------------------------------------------------------- dossier page and actions


def _timeline(dossier: Dossier, events: list[DossierEvent]) -> list[dict]:
    """Mẫu 05 rows: each step with the due instant in force after it and its result.

    Composes the existing rules only: `derive_schedule` over the log up to the step, and
    `Dossier.classify` on an unsaved probe whose "result" is the step's instant.
    """
    rows, seen = [], []
    for event in events:
        seen.append((event.type, event.at, event.payload))
        due = derive_schedule(procedure=dossier.procedure, agency=dossier.agency, events=seen).due_at
        result = None
        if event.type != E.RECEIVED:
            result = Dossier(due_at=due, result_ready_at=event.at).classify(event.at)
        rows.append({"event": event, "due_at": due, "result": result, "items": event.payload.get("items", [])})
    return rows


def _render_dossier(
    request,
    dossier: Dossier,
    *,
    bound: forms.ActionForm | None = None,
    kind: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    access_record(request=request, kind=ReadKind.DOSSIER_PAGE, dossier=dossier)
    events = list(dossier.events.select_related("actor"))
    action_forms = []
    for allowed in permitted_actions(request.user, services.allowed_actions(dossier), dossier):
        spec = ACTIONS[allowed]
        form = bound if allowed == kind and bound is not None else spec.form_class(prefix=allowed, user=request.user)
        action_forms.append({"kind": allowed, "spec": spec, "form": form})
    if bound is not None and kind not in {a["kind"] for a in action_forms} and bound.errors:
        action_forms.insert(0, {"kind": kind, "spec": ACTIONS[kind], "form": bound})
    types = {event.type for event in events}
    context = {
        "dossier": dossier,
        "timeline": _timeline(dossier, events),
        "classification": dossier.classify(timezone.now()),
        "action_forms": action_forms,
        "action_error": error,
        "has_form02": E.SUPPLEMENT_REQUESTED in types,
        "has_form03": E.REFUSED in types,
        "can_act": can_act_at_all(request.user),
        "history": dossier_history(dossier) if request.user.has_perm(HISTORY_PERMISSION) else None,
        "letters": dossier.apology_letters.select_related("agency"),
    }
    return render(request, "dossiers/detail.html", context, status=status)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def detail(request, code: str):
    return _render_dossier(request, _get_dossier(request.user, code))


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_POST
def act(request, code: str, kind: str):
    dossier = _get_dossier(request.user, code)  # another agency's dossier: 404 whatever the role
    spec = ACTIONS.get(kind)
    if spec is None:
        raise Http404("Thao tác không tồn tại.")
    if not can_act(request.user, kind):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    refusal = unit_refusal(request.user, kind, dossier)
    if refusal:
        return _render_dossier(request, dossier, error=refusal, status=403)
    form = spec.form_class(request.POST, prefix=kind, user=request.user)
    if form.is_valid():
        try:
            spec.service(dossier=dossier, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        except ConflictError as exc:
            return _render_dossier(request, _get_dossier(request.user, code), error=str(exc), status=409)
        except PermissionDenied as exc:
            return _render_dossier(request, dossier, bound=form, kind=kind, error=str(exc), status=403)
        except OperationalError as exc:
            if not is_lock_conflict(exc):
                raise
            return _render_dossier(request, dossier, bound=form, kind=kind, error=LOCK_CONFLICT_MESSAGE, status=409)
        else:
            messages.success(request, spec.done.format(code=dossier.code))
            return redirect("dossiers:detail", code=dossier.code)
    return _render_dossier(request, dossier, bound=form, kind=kind)


# ---------------------------------------------------------------------------- printable forms


def _public_lookup_url(request, code: str) -> str:
    path = f"{reverse('dossiers:lookup')}?{urlencode({'ma': code})}"
    # Receipts printed from an intranet host still need a QR the public can open.
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def receipt(request, code: str):
    """Mẫu 01: giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    dossier = _get_dossier(request.user, code)
    access_record(request=request, kind=ReadKind.RECEIPT, dossier=dossier)
    lookup_url = _public_lookup_url(request, dossier.code)
    qr_svg = segno.make(lookup_url, error="m").svg_inline(scale=3, title="Mã QR tra cứu hồ sơ")
    context = {"dossier": dossier, "agency": dossier.agency, "lookup_url": lookup_url, "qr_svg": qr_svg}
    return render(request, "dossiers/receipt.html", context)


def _latest_event(dossier: Dossier, kind: str) -> DossierEvent:
    event = dossier.events.filter(type=kind).select_related("actor").order_by("-at", "-id").first()
    if event is None:
        raise Http404("Hồ sơ không có phiếu này.")
    return event


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def form02(request, code: str):
    """Mẫu 02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the latest request)."""
    dossier = _get_dossier(request.user, code)
    event = _latest_event(dossier, E.SUPPLEMENT_REQUESTED)
    access_record(request=request, kind=ReadKind.FORM02, dossier=dossier)
    context = {"dossier": dossier, "agency": dossier.agency, "event": event, "items": event.payload.get("items", [])}
    return render(request, "dossiers/form02.html", context)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def form03(request, code: str):
    """Mẫu 03: phiếu từ chối tiếp nhận, giải quyết hồ sơ."""
    dossier = _get_dossier(request.user, code)
    event = _latest_event(dossier, E.REFUSED)
    access_record(request=request, kind=ReadKind.FORM03, dossier=dossier)
    reasons = [line.strip() for line in event.note.splitlines() if line.strip()]
    context = {"dossier": dossier, "agency": dossier.agency, "event": event, "reasons": reasons}
    return render(request, "dossiers/form03.html", context)


# ---------------------------------------------------------------------------- public look-up


def _find_public(code: str, last_digits: str) -> Dossier | None:
    """The dossier with this code whose phone ends with these digits; None for any mismatch."""
    candidates = Dossier.objects.filter(code__iexact=code).select_related("procedure", "agency")
    for dossier in candidates[:5]:
        if hmac.compare_digest(dossier.applicant_phone[-4:], last_digits):
            return dossier
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """Public status look-up: no login, no personal data, rate-limited per client address."""
    if request.method == "GET":
        form = forms.LookupForm(initial={"ma": request.GET.get("ma", "")})
        return render(request, "dossiers/lookup.html", {"form": form})
    refusal = phone_guess_refusal(request, request.POST.get("ma", ""))
    if refusal:
        message, retry_after = refusal
        response = render(request, "dossiers/lookup.html", {"form": forms.LookupForm(), "limited": message}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    form = forms.LookupForm(request.POST)
    found, not_found = None, False
    if form.is_valid():
        found = _find_public(form.cleaned_data["ma"], form.cleaned_data["sdt"])
        not_found = found is None
        if not_found:
            count_failed_guess(form.cleaned_data["ma"])
    return render(request, "dossiers/lookup.html", {"form": form, "found": found, "not_found": not_found})
