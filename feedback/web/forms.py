"""Web forms for ratings and feedback: they shape input; `feedback.services` decides.

Field names match the service keyword arguments, so a service's field-keyed ValidationError
lands next to its field (`dossiers.web.forms.add_service_errors`).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db.models import Q

from accounts.scoping import scope_to_user
from config import dates
from dossiers.web.forms import DATETIME_LOCAL
from feedback.models import CRITERIA, SCORE_LABELS, FeedbackItem
from procedures.models import Agency, Procedure

SCORE_CHOICES = [(value, f"{value} – {label}") for value, label in SCORE_LABELS.items()]
last_digits_validator = RegexValidator(r"^\d{4}$", "Nhập đúng 4 chữ số cuối của số điện thoại đã đăng ký.")


def _text(label: str, *, rows: int = 2, required: bool = False, max_length: int = 2000, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class ScoresForm(forms.Form):
    """The four criteria, 1–5 each, with an optional comment each (rendered by _scores.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CRITERIA:
            self.fields[f"{key}_score"] = forms.TypedChoiceField(
                label=label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Vui lòng chọn mức đánh giá.", "invalid_choice": "Chọn từ 1 đến 5."},
            )
            self.fields[f"{key}_comment"] = _text("Ý kiến thêm (không bắt buộc)")

    def criteria(self) -> list[dict]:
        return [
            {"label": label, "score": self[f"{key}_score"], "comment": self[f"{key}_comment"]}
            for key, label in CRITERIA
        ]


def initial_scores(rating) -> dict:
    """A saved rating's scores and comments, to prefill the form when it is being changed."""
    if rating is None:
        return {}
    return {f"{key}_{part}": getattr(rating, f"{key}_{part}") for key, _ in CRITERIA for part in ("score", "comment")}


class CodeForm(forms.Form):
    ma = forms.CharField(
        label="Mã hồ sơ",
        max_length=40,
        error_messages={"required": "Cần nhập mã hồ sơ."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autofocus": True}),
    )

    def clean_ma(self) -> str:
        return self.cleaned_data["ma"].strip()


# ---------------------------------------------------------------------------- public feedback


class PublicFeedbackForm(forms.Form):
    """The public form. `website` is a honeypot: hidden from people, filled in by bots."""

    agency = forms.ModelChoiceField(
        label="Cơ quan nhận góp ý",
        queryset=Agency.objects.order_by("name"),
        empty_label="— Chọn cơ quan —",
        error_messages={"required": "Cần chọn cơ quan.", "invalid_choice": "Cơ quan không hợp lệ."},
    )
    category = forms.ChoiceField(
        label="Loại",
        choices=FeedbackItem.Category.choices,
        initial=FeedbackItem.Category.COMMENT,
        widget=forms.RadioSelect,
        error_messages={"required": "Cần chọn loại góp ý."},
    )
    content = _text(
        "Nội dung", rows=6, required=True, max_length=5000, error_messages={"required": "Cần nhập nội dung."}
    )
    dossier_code = forms.CharField(
        label="Mã hồ sơ liên quan", max_length=40, required=False, help_text="Nếu góp ý về một hồ sơ đã nộp."
    )
    contact_name = forms.CharField(
        label="Họ tên", max_length=200, error_messages={"required": "Cần nhập họ tên."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label="Số điện thoại", max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="Cần số điện thoại hoặc thư điện tử để cơ quan trả lời. Không hiển thị công khai.",
    )
    contact_email = forms.EmailField(
        label="Thư điện tử", required=False, error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(
        label="Để trống ô này", required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class StaffFeedbackForm(forms.Form):
    """Staff record an item that arrived by email, the hotline or at the counter."""

    channel = forms.ChoiceField(
        label="Kênh tiếp nhận",
        choices=[c for c in FeedbackItem.Channel.choices if c[0] != FeedbackItem.Channel.WEB],
        initial=FeedbackItem.Channel.COUNTER,
    )
    category = forms.ChoiceField(label="Loại", choices=FeedbackItem.Category.choices)
    content = _text(
        "Nội dung", rows=6, required=True, max_length=5000, error_messages={"required": "Cần nhập nội dung."}
    )
    dossier_code = forms.CharField(label="Mã hồ sơ liên quan", max_length=40, required=False)
    procedure = forms.ModelChoiceField(label="Thủ tục liên quan", queryset=Procedure.objects.none(), required=False)
    contact_name = forms.CharField(
        label="Họ tên người gửi", max_length=200, error_messages={"required": "Cần nhập họ tên."}
    )
    contact_phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    contact_email = forms.EmailField(label="Thư điện tử", required=False)
    contact_address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    received_at = dates.DateTimeField(
        label="Thời điểm nhận",
        required=False,
        help_text="Thời điểm thư đến hoặc cuộc gọi; để trống là bây giờ.",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = scope_to_user(Procedure.objects.filter(is_active=True), user)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Cán bộ xử lý", queryset=get_user_model().objects.none(), empty_label="— Chọn cán bộ —", required=False
    )
    note = _text("Ghi chú")

    def __init__(self, *args, item: FeedbackItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(staff_profile__agency=item.agency_id) | Q(staff_profile__province_wide=True))
            .order_by("username")
        )
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class AnswerForm(forms.Form):
    answer = _text("Nội dung trả lời", rows=6, max_length=5000)


class CloseForm(forms.Form):
    note = _text("Ghi chú")


class FeedbackLookupForm(forms.Form):
    ma = forms.CharField(
        label="Mã góp ý",
        max_length=64,
        error_messages={"required": "Cần nhập mã góp ý."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "PAKN-…"}),
    )
    ma_bi_mat = forms.CharField(
        label="Mã bí mật", max_length=12, required=False, help_text="In trên phiếu khi gửi góp ý, dạng ABCD-EFGH.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sdt = forms.CharField(
        label="Hoặc 4 số cuối điện thoại", max_length=4, required=False, validators=[last_digits_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{4}"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("ma_bi_mat") and not data.get("sdt") and not self.errors:
            raise forms.ValidationError("Cần nhập mã bí mật hoặc 4 số cuối điện thoại.")
        return data


DATE_FORMAT_MESSAGE = "Nhập ngày theo dạng YYYY-MM-DD, ví dụ 2026-11-01."


class ReportPeriodForm(forms.Form):
    """The satisfaction report's `?tu=&den=` (local dates); either may be left out for its default."""

    tu = dates.DateField(label="Từ ngày", required=False, error_messages={"invalid": DATE_FORMAT_MESSAGE})
    den = dates.DateField(label="Đến ngày", required=False, error_messages={"invalid": DATE_FORMAT_MESSAGE})
