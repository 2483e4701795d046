"""Apology letter pages: the head's review list, one letter with its actions, Mẫu 04 print and .docx.

Views only translate HTTP to the services in `apology_letters.services` and back. Every read
is scoped with `scope_to_user`, so another agency's letter or dossier is a 404; a service's
ValidationError is shown next to its field, a ConflictError re-renders the page with 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scoping import scope_to_user, sees_all_agencies
from apology_letters import documents, services
from apology_letters.models import PLACEHOLDER_REASON, ApologyLetter
from apology_letters.web import forms
from config.exceptions import ConflictError
from dossiers.models import Dossier
from dossiers.web.forms import add_service_errors
from privacy.services import Kind as ReadKind
from privacy.services import access_record
from procedures import calendar

Status = ApologyLetter.Status
PAGE_SIZE = 25
VIEW = "apology_letters.view_apologyletter"
ADD = "apology_letters.add_apologyletter"
CHANGE = "apology_letters.change_apologyletter"
ISSUE = "apology_letters.issue_apologyletter"


# ---------------------------------------------------------------------------- how late


@dataclass(frozen=True)
class Lateness:
    """Working time between the appointment a letter reschedules and now."""

    minutes: int  # positive: past the appointment; negative: still ahead of it
    text: str

    @property
    def overdue(self) -> bool:
        return self.minutes > 0


def _amount(minutes: int, per_day: int) -> str:
    days, rest = divmod(minutes, per_day)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} ngày làm việc"] if days else []
    if hours:
        parts.append(f"{hours} giờ")
    if mins:
        parts.append(f"{mins} phút")
    return " ".join(parts)


def lateness(letter: ApologyLetter, now: dt.datetime) -> Lateness:
    """`quá hạn 1 ngày làm việc 5 giờ` / `còn 3 giờ`, counted in the agency's working time."""
    minutes = calendar.working_minutes_between(letter.original_due_at, now, letter.agency)
    if minutes == 0:
        return Lateness(0, "đến hạn")
    per_day = calendar.working_minutes_per_day(letter.agency)
    if minutes > 0:
        return Lateness(minutes, f"quá hạn {_amount(minutes, per_day)}")
    return Lateness(minutes, f"còn {_amount(-minutes, per_day)}")


# ---------------------------------------------------------------------------- reading


def _letters(user):
    queryset = ApologyLetter.objects.select_related(
        "agency", "dossier__procedure", "drafted_by", "issued_by"
    )
    return scope_to_user(queryset, user)


def _get_letter(user, pk: int) -> ApologyLetter:
    return get_object_or_404(_letters(user), pk=pk)


STATUS_FILTERS = [("", "Đã ban hành và đã hủy"), (Status.ISSUED, "Đã ban hành"), (Status.CANCELLED, "Đã hủy")]


@login_required
@permission_required(VIEW, raise_exception=True)
def review(request):
    """Drafts waiting for a head first (most urgent appointment first), then issued and cancelled."""
    now = timezone.now()
    letters = _letters(request.user)
    drafts = list(letters.filter(status=Status.DRAFT).order_by("original_due_at", "pk"))
    chosen = request.GET.get("trang_thai", "")
    if chosen not in dict(STATUS_FILTERS):
        chosen = ""
    done = letters.filter(status=chosen) if chosen else letters.filter(status__in=[Status.ISSUED, Status.CANCELLED])
    page = Paginator(done.order_by("-drafted_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        "draft_rows": [(letter, lateness(letter, now)) for letter in drafts],
        "page": page,
        "status_filters": STATUS_FILTERS,
        "chosen": chosen,
        "show_agency": sees_all_agencies(request.user),
        "placeholder_reason": PLACEHOLDER_REASON,
        "now": now,
    }
    return render(request, "apology_letters/list.html", context)


def _render_letter(
    request, letter: ApologyLetter, *, bound: dict[str, forms.ServiceForm] | None = None, error: str = "",
    status: int = 200,
) -> HttpResponse:
    user, bound = request.user, bound or {}
    access_record(request=request, kind=ReadKind.LETTER_PAGE, dossier=letter.dossier)
    editable = letter.status == Status.DRAFT
    context = {
        "letter": letter,
        "dossier": letter.dossier,
        "lateness": lateness(letter, timezone.now()) if editable else None,
        "placeholder_reason": PLACEHOLDER_REASON,
        "edit_form": None,
        "issue_form": None,
        "cancel_form": None,
        "error": error,
    }
    if editable and user.has_perm(CHANGE):
        context["edit_form"] = bound.get("edit") or forms.EditForm.for_letter(letter, prefix="edit")
        context["cancel_form"] = bound.get("cancel") or forms.CancelForm(prefix="cancel")
    if editable and user.has_perm(ISSUE):
        context["issue_form"] = bound.get("issue") or forms.IssueForm(prefix="issue", agency=letter.agency)
    return render(request, "apology_letters/detail.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def detail(request, pk: int):
    return _render_letter(request, _get_letter(request.user, pk))


# ---------------------------------------------------------------------------- actions


def _act(request, pk: int, *, permission: str, prefix: str, make_form, service, done) -> HttpResponse:
    letter = _get_letter(request.user, pk)  # another agency's letter: 404 whatever the role
    if not request.user.has_perm(permission):
        raise PermissionDenied
    form = make_form(letter)
    if form.is_valid():
        try:
            changed = service(letter=letter, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            return _render_letter(request, _get_letter(request.user, pk), error=str(exc), status=409)
        else:
            messages.success(request, done(changed))
            return redirect("apology_letters:detail", pk=letter.pk)
    return _render_letter(request, letter, bound={prefix: form})


def _when(instant: dt.datetime) -> str:
    return f"{documents.local(instant):%H:%M %d/%m/%Y}"


@login_required
@permission_required(VIEW, raise_exception=True)  # no letters at all: 403; then another agency's: 404
@require_POST
def update(request, pk: int):
    return _act(
        request, pk, permission=CHANGE, prefix="edit",
        make_form=lambda letter: forms.EditForm(request.POST, prefix="edit"),
        service=services.letter_update,
        done=lambda letter: f"Đã lưu dự thảo phiếu số {letter.number_display}: hẹn lại {_when(letter.new_due_at)}.",
    )


@login_required
@permission_required(VIEW, raise_exception=True)  # no letters at all: 403; then another agency's: 404
@require_POST
def issue(request, pk: int):
    return _act(
        request, pk, permission=ISSUE, prefix="issue",
        make_form=lambda letter: forms.IssueForm(request.POST, prefix="issue", agency=letter.agency),
        service=services.letter_issue,
        done=lambda letter: (
            f"Đã ban hành phiếu số {letter.number_display}. Hồ sơ {letter.dossier.code} "
            f"hẹn lại trả kết quả {_when(letter.new_due_at)}."
        ),
    )


@login_required
@permission_required(VIEW, raise_exception=True)  # no letters at all: 403; then another agency's: 404
@require_POST
def cancel(request, pk: int):
    return _act(
        request, pk, permission=CHANGE, prefix="cancel",
        make_form=lambda letter: forms.CancelForm(request.POST, prefix="cancel"),
        service=services.letter_cancel,
        done=lambda letter: f"Đã hủy phiếu số {letter.number_display}.",
    )


@login_required
@permission_required("dossiers.view_dossier", raise_exception=True)  # then another agency's: 404
@require_http_methods(["GET", "POST"])
def draft(request, code: str):
    """Draft a letter by hand from a dossier, typically before its appointment (letter_draft)."""
    dossiers = scope_to_user(Dossier.objects.select_related("agency", "procedure"), request.user)
    dossier = get_object_or_404(dossiers, code=code)  # another agency's dossier: 404 whatever the role
    if not request.user.has_perm(ADD):
        raise PermissionDenied
    proposed = documents.local(services.proposed_new_due(dossier, timezone.now())) if dossier.is_open else None
    form = forms.DraftForm(request.POST or None, proposed=proposed)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_draft(dossier=dossier, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            error, status = str(exc), 409
        else:
            messages.success(
                request, f"Đã lập dự thảo phiếu xin lỗi số {letter.number_display} cho hồ sơ {dossier.code}."
            )
            return redirect("apology_letters:detail", pk=letter.pk)
    access_record(request=request, kind=ReadKind.LETTER_PAGE, dossier=dossier)
    context = {
        "dossier": dossier,
        "form": form,
        "error": error,
        "pending": dossier.apology_letters.filter(status=Status.DRAFT).first(),
        "letters": list(dossier.apology_letters.select_related("agency")),
    }
    return render(request, "apology_letters/draft.html", context, status=status)


# ---------------------------------------------------------------------------- Mẫu 04


@login_required
@permission_required(VIEW, raise_exception=True)
def print_letter(request, pk: int):
    """A4 HTML; an agency's own `apology_letters/mau04/<CODE>.html` wins over the shipped one."""
    letter = _get_letter(request.user, pk)
    access_record(request=request, kind=ReadKind.LETTER_PRINT, dossier=letter.dossier)
    template = select_template(documents.template_names(letter.agency))
    return HttpResponse(template.render(documents.letter_context(letter), request))


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII `filename` for old clients and RFC 5987 `filename*` for the rest."""
    fallback = documents.ascii_filename(filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
@permission_required(VIEW, raise_exception=True)
def download_docx(request, pk: int):
    letter = _get_letter(request.user, pk)
    access_record(request=request, kind=ReadKind.LETTER_DOCX, dossier=letter.dossier)
    response = HttpResponse(documents.letter_docx(letter), content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(documents.docx_filename(letter))
    response["Cache-Control"] = "private, no-store"  # the applicant's name and dossier
    return response
