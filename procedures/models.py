"""The procedure catalogue: agencies, fields, procedures and calendar overrides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.dates import validate_supported
from config.text import CLEAN_TEXT
from procedures.timeunits import ProcessingUnit

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_.-]*$",
    "Mã chỉ gồm chữ in hoa không dấu, chữ số và các ký tự . _ -",
)
procedure_code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
    "Mã thủ tục chỉ gồm chữ, số và các ký tự . _ - (ví dụ 1.005092).",
)


def agency_change_refused(instance, agency_id) -> str | None:
    """Why `instance` (a Field or a Procedure) may not move to `agency_id`, or None if it may.

    Dossiers, reports and letters read an entry's agency through it: once anything refers to
    the entry, moving it would split its rows between two agencies (Biểu 06 then fails).
    """
    if instance.pk is None:
        return None
    stored = type(instance)._base_manager.filter(pk=instance.pk).values_list("agency_id", flat=True).first()
    if stored is None or stored == agency_id:
        return None
    holders = [
        str(relation.related_model._meta.verbose_name_plural)
        for relation in instance._meta.related_objects
        if relation.related_model._base_manager.filter(**{relation.field.name: instance.pk}).exists()
    ]
    if not holders:
        return None
    return (
        f"Không đổi được cơ quan của {instance._meta.verbose_name} này vì đã có {', '.join(holders)} "
        "gắn với nó. Hãy tạo mục mới ở cơ quan kia."
    )


class CountingConvention(models.TextChoices):
    FROM_RECEIPT = "from_receipt", "Tính từ thời điểm tiếp nhận"
    NEXT_WORKING_DAY = "next_working_day", "Tính từ ngày làm việc tiếp theo"


class Agency(models.Model):
    """A handling agency (cơ quan giải quyết) with its office hours and signing head."""

    class Level(models.TextChoices):
        PROVINCE = "province", "Cấp tỉnh"
        DISTRICT = "district", "Cấp huyện"
        COMMUNE = "commune", "Cấp xã"

    code = models.CharField("mã", max_length=32, unique=True, validators=[code_validator])
    name = models.CharField("tên cơ quan", validators=CLEAN_TEXT, max_length=255)
    level = models.CharField("cấp", max_length=16, choices=Level.choices, default=Level.PROVINCE)
    parent_name = models.CharField(
        "cơ quan chủ quản", validators=CLEAN_TEXT, max_length=255, blank=True,
        help_text="Dòng trên của tiêu đề văn bản."
    )
    locality = models.CharField(
        "địa danh", validators=CLEAN_TEXT, max_length=100, blank=True,
        help_text="Dùng ở dòng 'địa danh, ngày … tháng … năm …'."
    )
    address = models.CharField("địa chỉ", validators=CLEAN_TEXT, max_length=255, blank=True)
    phone = models.CharField("điện thoại", validators=CLEAN_TEXT, max_length=32, blank=True)
    result_place = models.CharField(
        "nơi trả kết quả", validators=CLEAN_TEXT, max_length=255, blank=True,
        help_text="In trên giấy tiếp nhận và hẹn trả kết quả."
    )
    morning_start = models.TimeField("sáng từ", default=dt.time(7, 0))
    morning_end = models.TimeField("sáng đến", default=dt.time(11, 0))
    afternoon_start = models.TimeField("chiều từ", default=dt.time(13, 0))
    afternoon_end = models.TimeField("chiều đến", default=dt.time(17, 0))
    counting_convention = models.CharField(
        "cách tính thời hạn",
        max_length=20,
        choices=CountingConvention.choices,
        default=CountingConvention.FROM_RECEIPT,
    )
    head_name = models.CharField("họ tên thủ trưởng", validators=CLEAN_TEXT, max_length=100, blank=True)
    head_title = models.CharField("chức danh thủ trưởng", validators=CLEAN_TEXT, max_length=100, blank=True)
    letter_prefix = models.CharField(
        "ký hiệu văn bản", validators=CLEAN_TEXT, max_length=32, blank=True,
        help_text="Ví dụ SGDĐT: in thành 'Số: 12/PXL-SGDĐT'."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError("Giờ làm việc phải theo thứ tự: sáng từ < sáng đến ≤ chiều từ < chiều đến.")

    @property
    def sessions(self) -> tuple[tuple[dt.time, dt.time], tuple[dt.time, dt.time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


class Field(models.Model):
    """A field (lĩnh vực): the group of procedures that reports are broken down by."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="fields", verbose_name="cơ quan")
    code = models.CharField("mã", max_length=32, validators=[code_validator])
    name = models.CharField("tên lĩnh vực", validators=CLEAN_TEXT, max_length=255)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["agency__code", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="field_code_unique_per_agency")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        reason = agency_change_refused(self, self.agency_id)
        if reason:
            raise ValidationError({"agency": reason})


class Procedure(models.Model):
    """An administrative procedure (TTHC) as published, handled by one agency."""

    class OnlineLevel(models.IntegerChoices):
        INFO = 1, "Mức độ 1 (thông tin)"
        FORMS = 2, "Mức độ 2 (tải biểu mẫu)"
        PARTIAL = 3, "Mức độ 3 (trực tuyến một phần)"
        FULL = 4, "Mức độ 4 (trực tuyến toàn trình)"

    class SupplementPolicy(models.TextChoices):
        RESTART = "restart", "Tính lại từ đầu khi nhận đủ hồ sơ bổ sung"
        PAUSE = "pause", "Tạm dừng tính thời hạn trong thời gian chờ bổ sung"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="procedures", verbose_name="cơ quan")
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực")
    code = models.CharField("mã thủ tục", max_length=32, validators=[procedure_code_validator])
    name = models.CharField("tên thủ tục", validators=CLEAN_TEXT, max_length=500)
    processing_amount = models.PositiveIntegerField(
        "thời hạn giải quyết", validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    processing_unit = models.CharField(
        "đơn vị thời hạn", max_length=16, choices=ProcessingUnit.choices, default=ProcessingUnit.WORKING_DAYS
    )
    online_level = models.PositiveSmallIntegerField(
        "mức độ dịch vụ công trực tuyến", choices=OnlineLevel.choices, default=OnlineLevel.FORMS
    )
    supplement_policy = models.CharField(
        "khi bổ sung hồ sơ", max_length=8, choices=SupplementPolicy.choices, default=SupplementPolicy.RESTART
    )
    apology_extension_days = models.PositiveSmallIntegerField(
        "gia hạn khi xin lỗi (ngày làm việc)", default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    fee = models.CharField("phí, lệ phí", validators=CLEAN_TEXT, max_length=255, blank=True, default="Không")
    required_documents = models.TextField(
        "thành phần hồ sơ", validators=CLEAN_TEXT, blank=True, help_text="Mỗi giấy tờ một dòng."
    )
    legal_basis = models.TextField("căn cứ pháp lý", validators=CLEAN_TEXT, blank=True)
    is_active = models.BooleanField("đang áp dụng", default=True)
    needs_verification = models.BooleanField(
        "cần kiểm tra lại", default=False, help_text="Số liệu chưa đối chiếu được với văn bản công bố."
    )
    verification_note = models.CharField("ghi chú kiểm tra", validators=CLEAN_TEXT, max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["agency__code", "field__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="procedure_code_unique_per_agency"),
            models.CheckConstraint(
                condition=Q(online_level__gte=1, online_level__lte=4), name="procedure_online_level_1_4"
            ),
            models.CheckConstraint(condition=Q(processing_amount__gte=1), name="procedure_processing_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def clean(self) -> None:
        reason = agency_change_refused(self, self.agency_id)
        if reason:
            raise ValidationError({"agency": reason})
        if self.field_id and self.agency_id and self.field.agency_id != self.agency_id:
            raise ValidationError({"field": "Lĩnh vực không thuộc cơ quan của thủ tục."})

    @property
    def required_documents_list(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    @property
    def online_mode(self) -> str:
        """Decree 42/2022 naming: toàn trình (level 4) or một phần (level 3)."""
        return {4: "Toàn trình", 3: "Một phần"}.get(self.online_level, "Không trực tuyến")

    @property
    def offered_online(self) -> bool:
        return self.online_level >= 3

    @property
    def processing_time_display(self) -> str:
        return f"{self.processing_amount} {ProcessingUnit(self.processing_unit).label}"


class CalendarOverride(models.Model):
    """A decision that changes the working calendar: an extra day off or a make-up working day."""

    class Kind(models.TextChoices):
        OFF = "off", "Ngày nghỉ"
        WORKING = "working", "Ngày làm việc (làm bù)"

    date = models.DateField("ngày", validators=[validate_supported])
    kind = models.CharField("loại", max_length=8, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_overrides",
        verbose_name="cơ quan",
        help_text="Để trống nếu áp dụng cho mọi cơ quan.",
    )
    reason = models.CharField("lý do", validators=CLEAN_TEXT, max_length=255)
    legal_reference = models.CharField(
        "căn cứ", validators=CLEAN_TEXT, max_length=255, help_text="Ví dụ: Công văn 12729/VPCP-KGVX."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điều chỉnh lịch làm việc"
        verbose_name_plural = "điều chỉnh lịch làm việc"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(agency__isnull=True), name="calendar_override_unique_global_date"
            ),
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=Q(agency__isnull=False),
                name="calendar_override_unique_agency_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
