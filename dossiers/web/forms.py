"""Web forms: they shape and pre-check input; the services in dossiers.services decide.

Field names match the service keyword arguments, so a service's field-keyed
ValidationError lands next to the field it is about (see `add_service_errors`).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from accounts.models import StaffProfile
from accounts.scoping import scope_to_user
from config import dates
from dossiers.models import ONE_STOP_UNIT, Channel, cccd_validator, phone_validator
from procedures.models import Procedure

DOCUMENT_KINDS = [("original", "Bản chính"), ("copy", "Bản sao")]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields, the rest on the form itself."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        if key in form.fields:
            form.add_error(key, messages)
        else:
            form.add_error(None, messages)


def _instant_field(label: str, help_text: str) -> dates.DateTimeField:
    return dates.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class BackdateMixin:
    """Drops the instant field for users who may not enter paper records after the fact.

    The service enforces the permission too; hiding the field only keeps the form honest.
    """

    instant_field = "at"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("dossiers.backdate_dossier"):
            del self.fields[self.instant_field]
        else:
            self.order_fields([name for name in self.fields if name != self.instant_field])


# ---------------------------------------------------------------------------- login


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


# ---------------------------------------------------------------------------- intake


def default_kind(document_name: str) -> str:
    """Prefill only: a listed "Bản sao …" is a copy, anything else an original."""
    return "copy" if document_name.lower().startswith("bản sao") else "original"


def document_rows(procedure: Procedure | None) -> list[dict]:
    """The checklist rows a procedure's published document list prefills."""
    if procedure is None:
        return []
    return [
        {"included": True, "name": name, "kind": default_kind(name), "count": 1}
        for name in procedure.required_documents_list
    ]


def procedure_catalogue(procedures) -> dict[str, dict]:
    """What the intake page's script needs per procedure (json_script payload)."""
    return {
        str(p.pk): {
            "code": p.code,
            "name": p.name,
            "amount": p.processing_amount,
            "unit": p.processing_unit,
            "agency": p.agency.code,
            "processing_time": p.processing_time_display,
            "online_mode": p.online_mode,
            "documents": [{"name": r["name"], "kind": r["kind"]} for r in document_rows(p)],
        }
        for p in procedures
    }


class ProcedureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Procedure) -> str:
        return f"{obj.code} – {obj.name} ({obj.processing_time_display}; trực tuyến: {obj.online_mode})"


class IntakeForm(BackdateMixin, forms.Form):
    instant_field = "received_at"

    procedure = ProcedureChoiceField(
        label="Thủ tục hành chính",
        queryset=Procedure.objects.none(),
        empty_label=None,
        error_messages={"required": "Cần chọn thủ tục.", "invalid_choice": "Thủ tục không hợp lệ."},
        widget=forms.Select(attrs={"size": 8}),
    )
    applicant_name = forms.CharField(
        label="Họ tên người nộp", max_length=200, error_messages={"required": "Cần nhập họ tên người nộp."}
    )
    applicant_id_number = forms.CharField(
        label="Số CCCD",
        max_length=12,
        required=False,
        validators=[cccd_validator],
        help_text="12 chữ số (hoặc 9 chữ số CMND cũ).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        error_messages={"required": "Cần nhập số điện thoại."},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    applicant_address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    channel = forms.ChoiceField(label="Kênh nộp", choices=Channel.choices, initial=Channel.COUNTER)
    notes = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    received_at = _instant_field(
        "Thời điểm tiếp nhận",
        "Chỉ dùng khi nhập hồ sơ giấy đã nhận trước đây; để trống là bây giờ.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["procedure"].queryset = scope_to_user(
            Procedure.objects.filter(is_active=True).select_related("agency", "field"), user
        )

    def clean_applicant_phone(self) -> str:
        # Same normalisation as the service, so "0912 345 678" passes the same validator.
        value = self.cleaned_data["applicant_phone"].strip().replace(" ", "").replace(".", "")
        phone_validator(value)
        return value

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("received_at") is None:
            data.pop("received_at", None)
        return data


class DocumentForm(forms.Form):
    """One line of the submitted-documents checklist."""

    included = forms.BooleanField(label="Có nộp", required=False)
    name = forms.CharField(label="Tên giấy tờ", max_length=300, required=False)
    kind = forms.ChoiceField(label="Loại", choices=DOCUMENT_KINDS, initial="original")
    count = forms.IntegerField(
        label="Số lượng",
        min_value=1,
        max_value=100,
        initial=1,
        error_messages={"min_value": "Ít nhất 1.", "max_value": "Nhiều nhất 100.", "invalid": "Nhập một số."},
        widget=forms.NumberInput(attrs={"class": "count"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("included") and not (data.get("name") or "").strip():
            self.add_error("name", "Cần nhập tên giấy tờ.")
        return data


class BaseDocumentFormSet(forms.BaseFormSet):
    @property
    def documents(self) -> list[dict]:
        """The ticked lines, in the shape `dossier_receive(documents=...)` takes."""
        return [
            {
                "name": form.cleaned_data["name"].strip(),
                "kind": form.cleaned_data["kind"],
                "count": form.cleaned_data["count"],
            }
            for form in self.forms
            if form.cleaned_data.get("included")
        ]


DocumentFormSet = forms.formset_factory(DocumentForm, formset=BaseDocumentFormSet, extra=1, max_num=60)


# ---------------------------------------------------------------------------- lifecycle actions


def _text(label: str, *, rows: int = 2, help_text: str = "") -> forms.CharField:
    # Not `required`: the service says what is mandatory, in its own words, next to the field.
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ActionForm(BackdateMixin, forms.Form):
    at = _instant_field("Thời điểm", "Để trống là bây giờ; chỉ dùng khi nhập hồ sơ giấy.")

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NoteActionForm(ActionForm):
    note = _text("Ghi chú")


class ReasonActionForm(ActionForm):
    reason = _text("Lý do")


class RequestSupplementForm(ActionForm):
    items = _text("Nội dung cần bổ sung", rows=3, help_text="Mỗi nội dung một dòng.")
    reason = _text("Lý do")

    def clean_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class DatalistInput(forms.TextInput):
    """A text input that suggests `options` (a <datalist>) and still takes any text."""

    template_name = "dossiers/widgets/datalist.html"

    def __init__(self, attrs=None, options=()):
        super().__init__(attrs)
        self.options = list(options)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}_options"
        context["widget"]["options"] = self.options
        return context


class TransferForm(ActionForm):
    to_unit = forms.CharField(
        label="Chuyển đến bộ phận",
        max_length=100,
        required=False,
        widget=DatalistInput(attrs={"placeholder": "Ví dụ: Phòng Khảo thí"}),
    )
    note = _text("Ghi chú")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # The units of the agency's staff: a unit acts only on dossiers at its own unit, spelled
        # as in the staff profiles (dossiers/permissions.py), so suggest those spellings.
        units = scope_to_user(StaffProfile.objects.exclude(unit=""), user).values_list("unit", flat=True)
        self.fields["to_unit"].widget.options = sorted(set(units) | {ONE_STOP_UNIT})


class FinishForm(ActionForm):
    result_note = _text("Kết quả / ghi chú", help_text="Kết quả là văn bản trả lời không giải quyết cũng ghi ở đây.")


# ---------------------------------------------------------------------------- public look-up


class LookupForm(forms.Form):
    ma = forms.CharField(
        label="Mã hồ sơ",
        max_length=40,
        error_messages={"required": "Cần nhập mã hồ sơ."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sdt = forms.CharField(
        label="4 số cuối điện thoại",
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", "Nhập đúng 4 chữ số cuối của số điện thoại đã đăng ký.")],
        error_messages={"required": "Cần nhập 4 số cuối điện thoại."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{4}"}),
    )

    def clean_ma(self) -> str:
        return self.cleaned_data["ma"].strip()
