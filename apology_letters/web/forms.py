"""Forms of the apology letter pages: they shape input; apology_letters.services decides.

Field names match the service keyword arguments, so a service's field-keyed ValidationError
lands next to its field (`dossiers.web.forms.add_service_errors`). Nothing is `required` here:
the service says what is mandatory, in its own words.
"""

from __future__ import annotations

from django import forms

from apology_letters.models import PLACEHOLDER_REASON, ApologyLetter
from config import dates

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _reason(label: str, help_text: str = "", placeholder: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": placeholder}),
    )


def _new_due_at(help_text: str) -> dates.DateTimeField:
    return dates.DateTimeField(
        label="Hẹn lại trả kết quả",
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": "Nhập ngày giờ theo dạng dd/mm/yyyy HH:MM."},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class ServiceForm(forms.Form):
    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class DraftForm(ServiceForm):
    """Drafting by hand from the dossier (letter_draft)."""

    reason = _reason("Lý do trễ hẹn", "In trên phiếu sau chữ “Lý do:”.")
    new_due_at = _new_due_at("Phải là ngày làm việc, sau ngày hẹn hiện tại.")

    def __init__(self, *args, proposed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proposed is not None:
            self.fields["new_due_at"].help_text = (
                f"Để trống: đề xuất {proposed:%H:%M %d/%m/%Y}. " + self.fields["new_due_at"].help_text
            )


class EditForm(ServiceForm):
    """A head's edit of a draft (letter_update); an empty date keeps the current one."""

    reason = _reason("Lý do trễ hẹn", "In trên phiếu sau chữ “Lý do:”.", placeholder=PLACEHOLDER_REASON)
    new_due_at = _new_due_at("Phải là ngày làm việc, sau ngày hẹn hiện tại.")

    @classmethod
    def for_letter(cls, letter: ApologyLetter, **kwargs) -> EditForm:
        # The sweep's placeholder is not a reason: leave the box empty for the head to fill in.
        reason = "" if letter.reason.strip() == PLACEHOLDER_REASON else letter.reason
        return cls(initial={"reason": reason, "new_due_at": letter.new_due_at}, **kwargs)


class IssueForm(ServiceForm):
    """Sign and send (letter_issue)."""

    sent_via = forms.ChoiceField(
        label="Hình thức gửi",
        required=False,
        choices=[("", "— Chọn hình thức gửi —"), *ApologyLetter.SentVia.choices],
        error_messages={"invalid_choice": "Hình thức gửi không hợp lệ."},
    )
    signer_name = forms.CharField(label="Người ký", max_length=100, required=False)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=100, required=False)

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is not None:
            for name, default in (("signer_name", agency.head_name), ("signer_title", agency.head_title)):
                if default:
                    self.fields[name].help_text = f"Để trống: {default}."
                    self.fields[name].widget.attrs["placeholder"] = default


class CancelForm(ServiceForm):
    """Cancel a draft (letter_cancel), e.g. when the result will be ready on time after all."""

    reason = _reason("Lý do hủy phiếu")
