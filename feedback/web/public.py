"""Public pages: rate a returned dossier, send feedback, look up the answer.

No login. Every POST counts against a per-address rate limit (dossiers.web.ratelimit), and
no page shows personal data: a dossier or an item is named by its code only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.exceptions import ConflictError
from dossiers.models import Dossier, Status
from dossiers.web.forms import LookupForm, add_service_errors
from dossiers.web.ratelimit import client_ip, count_failed_guess, phone_guess_refusal, too_many_attempts
from feedback import selectors, services
from feedback.models import FeedbackItem, SatisfactionRating
from feedback.web.forms import FeedbackLookupForm, PublicFeedbackForm, ScoresForm, initial_scores

WINDOW_SECONDS = 10 * 60
RECEIPT_SESSION_KEY = "feedback_receipt"
DOSSIER_CODE_NOTE = "Mã hồ sơ người gửi ghi: "


def _limited(request, scope: str, limit: int, template: str, context: dict):
    """The 429 page when this address has posted more than `limit` times in the window; else None."""
    if not too_many_attempts(scope=scope, key=client_ip(request), limit=limit, window_seconds=WINDOW_SECONDS):
        return None
    response = render(request, template, {**context, "limited": True}, status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response


# ---------------------------------------------------------------------------- rating via look-up


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request):
    """Step 1: code + last 4 phone digits. Step 2 (same POST plus the scores): save the rating."""
    template = "feedback/public_rate.html"
    if request.method == "GET":
        return render(request, template, {"lookup": LookupForm(initial={"ma": request.GET.get("ma", "")})})
    refusal = phone_guess_refusal(request, request.POST.get("ma", ""))  # one budget with /tra-cuu/
    if refusal:
        message, retry_after = refusal
        response = render(request, template, {"lookup": LookupForm(), "limited": message}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    lookup = LookupForm(request.POST)
    if not lookup.is_valid():
        return render(request, template, {"lookup": lookup})
    dossier = selectors.dossier_for_public_rating(lookup.cleaned_data["ma"], lookup.cleaned_data["sdt"])
    if dossier is None:
        count_failed_guess(lookup.cleaned_data["ma"])
        return render(request, template, {"lookup": lookup, "not_found": True})
    context = {"lookup": lookup, "dossier": dossier}
    if dossier.status != Status.RETURNED:
        context["conflict"] = "Hồ sơ chưa trả kết quả nên chưa thể đánh giá. Vui lòng đánh giá sau khi nhận kết quả."
        return render(request, template, context, status=409)
    rating = selectors.rating_of(dossier)
    context["rating"] = rating
    if request.POST.get("step") != "rate":
        context["scores"] = ScoresForm(initial=initial_scores(rating))
        return render(request, template, context)
    scores = ScoresForm(request.POST)
    context["scores"] = scores
    if not scores.is_valid():
        return render(request, template, context)
    try:
        services.rating_submit(
            dossier=dossier, channel=SatisfactionRating.Channel.ONLINE, **services.criteria_kwargs(scores.cleaned_data)
        )
    except ConflictError as exc:
        context["conflict"] = str(exc)
        return render(request, template, context, status=409)
    except ValidationError as exc:
        add_service_errors(scores, exc)
        return render(request, template, context)
    return redirect("feedback:rate_thanks")


@require_GET
def rate_thanks(request):
    return render(request, "feedback/thanks.html", {"again_url": None})


# ---------------------------------------------------------------------------- feedback form


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    template = "feedback/public_feedback.html"
    if request.method == "GET":
        return render(request, template, {"form": PublicFeedbackForm()})
    limited = _limited(
        request, "feedback-submit", settings.FEEDBACK_PUBLIC_SUBMIT_LIMIT, template, {"form": PublicFeedbackForm()}
    )
    if limited:
        return limited
    form = PublicFeedbackForm(request.POST)
    if form.is_bot:
        # Said plainly and without detail: a person never sees the hidden field.
        return render(request, template, {"form": PublicFeedbackForm(), "rejected": True}, status=400)
    if form.is_valid():
        data = form.cleaned_data
        # Whether the code names a dossier is never said (no phone digits are asked here): the
        # item is linked when it does, and the typed code is kept in the content either way.
        dossier, content = None, data["content"]
        typed_code = data["dossier_code"].strip()
        if typed_code:
            dossier = Dossier.objects.filter(agency=data["agency"], code__iexact=typed_code).first()
            content = f"{content}\n\n{DOSSIER_CODE_NOTE}{typed_code}"
        if not form.errors:
            try:
                receipt = services.feedback_receive(
                    agency=data["agency"],
                    channel=FeedbackItem.Channel.WEB,
                    category=data["category"],
                    content=content,
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    dossier=dossier,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session[RECEIPT_SESSION_KEY] = {
                    "code": receipt.item.code,
                    "token": services.format_token(receipt.token),
                    "due_at": receipt.item.due_at.isoformat(),
                }
                return redirect("feedback:sent")
    return render(request, template, {"form": form})


@never_cache
@require_GET
def sent(request):
    """The code and the secret token, shown once after submission (then gone from the session)."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if receipt is None:
        return redirect("feedback:submit")
    item = FeedbackItem.objects.filter(code=receipt["code"]).only("code", "due_at", "received_at").first()
    return render(request, "feedback/public_sent.html", {"receipt": receipt, "item": item})


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """The answer look-up: code + secret token, or code + last 4 phone digits."""
    template = "feedback/public_lookup.html"
    if request.method == "GET":
        return render(request, template, {"form": FeedbackLookupForm(initial={"ma": request.GET.get("ma", "")})})
    limited = _limited(
        request, "feedback-lookup", settings.FEEDBACK_PUBLIC_LOOKUP_LIMIT, template, {"form": FeedbackLookupForm()}
    )
    if limited:
        return limited
    form = FeedbackLookupForm(request.POST)
    found, not_found = None, False
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.find_for_public(data["ma"], token=data["ma_bi_mat"], last_digits=data["sdt"])
        not_found = found is None
    return render(request, template, {"form": form, "found": found, "not_found": not_found})
