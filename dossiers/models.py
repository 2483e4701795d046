"""Dossiers (hồ sơ) and their append-only event log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from config.text import CLEAN_TEXT
from procedures.calendar import VN_TZ

cccd_validator = RegexValidator(
    r"^(\d{9}|\d{12})$", "Số định danh phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND cũ)."
)
# A dossier code is a URL path segment (/ho-so/<code>/, /api/v1/dossiers/<code>/): letters,
# digits and . _ - only, so that every page and link can be built for it (docs/import-dossiers.md).
DOSSIER_CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"
dossier_code_validator = RegexValidator(
    rf"^{DOSSIER_CODE_PATTERN}\Z",
    "Mã hồ sơ chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ - (không có /, #, dấu cách), "
    "bắt đầu bằng chữ hoặc số.",
)
phone_validator = RegexValidator(
    r"^(0|\+84)(3|5|7|8|9|2\d)\d{8}$",
    "Số điện thoại không đúng định dạng Việt Nam (ví dụ 0912345678 hoặc +84912345678).",
)


class Channel(models.TextChoices):
    """How the dossier reached the centre (Decree 118 Art. 9; VNeID: Decree 367/2025; the smart
    kiosk: Decree 309/2026)."""

    COUNTER = "counter", "Trực tiếp"
    POST = "post", "Bưu chính"
    ONLINE = "online", "Trực tuyến"
    VNEID = "vneid", "Ứng dụng VNeID"
    KIOSK = "kiosk", "Ki-ốt thông minh"


# Where every dossier starts (Dossier.current_unit at intake), and the counter officers' unit.
ONE_STOP_UNIT = "Bộ phận Một cửa"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Nộp trực tuyến, chờ tiếp nhận"
    DECLINED = "declined", "Không được tiếp nhận"
    IN_PROGRESS = "in_progress", "Đang giải quyết"
    AWAITING_SUPPLEMENT = "awaiting_supplement", "Chờ bổ sung hồ sơ"
    SUSPENDED = "suspended", "Tạm dừng"
    RESULT_READY = "result_ready", "Đã có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"
    REFUSED = "refused", "Từ chối giải quyết"
    WITHDRAWN = "withdrawn", "Đã rút hồ sơ"  # records before Decree 118; new ones are STOPPED
    STOPPED = "stopped", "Dừng giải quyết theo đề nghị"
    SUPPLEMENT_EXPIRED = "supplement_expired", "Quá hạn bổ sung, dừng giải quyết"


OPEN_STATUSES = (Status.IN_PROGRESS, Status.AWAITING_SUPPLEMENT, Status.SUSPENDED)
SETTLED_STATUSES = (Status.RESULT_READY, Status.RETURNED)
PAUSED_STATUSES = (Status.AWAITING_SUPPLEMENT, Status.SUSPENDED)


def clock_running_q() -> Q:
    """The clock still runs: never stopped, or stopped only once already past the due instant."""
    return Q(paused_at__isnull=True) | Q(paused_at__gt=F("due_at"))


def overdue_q(at: dt.datetime) -> Q:
    """`Dossier.is_overdue(at)` in SQL: open, past the due instant, its clock running."""
    return Q(status__in=OPEN_STATUSES, due_at__lt=at) & clock_running_q()


class Classification(models.TextChoices):
    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"
    WITHIN_DEADLINE = "within_deadline", "Trong hạn"
    OVERDUE = "overdue", "Quá hạn (đang giải quyết)"
    LEFT_OUT = "left_out", "Không tính (rút hoặc từ chối)"


class Dossier(models.Model):
    """One application by one applicant for one procedure, from receipt to return."""

    code = models.CharField("mã hồ sơ", max_length=40, unique=True, validators=[dossier_code_validator])
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="dossiers", verbose_name="cơ quan"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name="thủ tục"
    )
    field = models.ForeignKey(
        "procedures.Field", on_delete=models.PROTECT, related_name="dossiers", verbose_name="lĩnh vực"
    )

    applicant_name = models.CharField("họ tên người nộp", validators=CLEAN_TEXT, max_length=200)
    applicant_id_number = models.CharField(
        "số định danh (CCCD)", max_length=12, blank=True, validators=[cccd_validator]
    )
    applicant_phone = models.CharField("điện thoại", max_length=16, validators=[phone_validator])
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", validators=CLEAN_TEXT, max_length=300, blank=True)
    channel = models.CharField("kênh nộp", max_length=8, choices=Channel.choices)
    documents = models.JSONField("giấy tờ đã nộp", validators=CLEAN_TEXT, default=list, blank=True)

    received_at = models.DateTimeField("thời điểm tiếp nhận")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người tiếp nhận"
    )
    due_at = models.DateTimeField("hạn trả kết quả", help_text="Theo thời hạn luật định, dùng cho thống kê.")
    appointment_at = models.DateTimeField(
        "hẹn lại trả kết quả", null=True, blank=True, help_text="Ngày hẹn mới theo phiếu xin lỗi đã ban hành."
    )
    status = models.CharField("trạng thái", max_length=24, choices=Status.choices, default=Status.IN_PROGRESS)
    paused_at = models.DateTimeField("tạm dừng tính giờ từ", null=True, blank=True)
    current_unit = models.CharField("đang ở bộ phận", validators=CLEAN_TEXT, max_length=100, blank=True)
    result_ready_at = models.DateTimeField("có kết quả lúc", null=True, blank=True)
    result_note = models.TextField("ghi chú kết quả", validators=CLEAN_TEXT, blank=True)
    processing_minutes = models.PositiveIntegerField(
        "thời gian giải quyết (phút làm việc)", null=True, blank=True, editable=False,
        help_text="Từ lúc tiếp nhận đến lúc có kết quả, để báo cáo tính trung bình bằng SQL.",
    )
    returned_at = models.DateTimeField("trả kết quả lúc", null=True, blank=True)
    closed_at = models.DateTimeField("rút/từ chối lúc", null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    supplement_rule_breached = models.BooleanField(
        "yêu cầu bổ sung sai quy định", default=False, help_text="Yêu cầu quá một lần hoặc sau 3 ngày làm việc."
    )
    book_volume = models.PositiveIntegerField("quyển số")
    book_line = models.PositiveIntegerField("số thứ tự trong sổ")
    notes = models.TextField("ghi chú", validators=CLEAN_TEXT, blank=True)

    # Local (Asia/Ho_Chi_Minh) calendar dates, so reports group in SQL without per-row functions.
    received_date = models.DateField(db_index=True, editable=False)
    due_date = models.DateField(db_index=True, editable=False)
    finished_date = models.DateField(null=True, blank=True, db_index=True, editable=False)
    closed_date = models.DateField(null=True, blank=True, db_index=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-received_at", "-id"]
        permissions = [
            ("backdate_dossier", "Nhập hồ sơ giấy với thời điểm trong quá khứ"),
            # One per lifecycle action; dossiers/permissions.py maps actions to them.
            ("transfer_dossier", "Chuyển xử lý hồ sơ"),
            ("request_supplement_dossier", "Yêu cầu bổ sung hồ sơ"),
            ("receive_supplement_dossier", "Nhận hồ sơ bổ sung"),
            ("suspend_dossier", "Tạm dừng / tiếp tục xử lý hồ sơ"),
            ("finish_dossier", "Ghi nhận có kết quả"),
            ("return_dossier", "Trả kết quả cho người nộp"),
            ("refuse_dossier", "Từ chối giải quyết hồ sơ"),
            ("withdraw_dossier", "Ghi nhận rút hồ sơ"),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["agency", "received_date"], name="dossier_agency_received"),
            models.Index(fields=["applicant_phone"], name="dossier_phone"),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.procedure_id and self.agency_id and self.procedure.agency_id != self.agency_id:
            raise ValidationError({"procedure": "Thủ tục không thuộc cơ quan của hồ sơ."})

    def sync_local_dates(self) -> None:
        """Refresh the denormalised local dates from the instants."""
        self.received_date = self.received_at.astimezone(VN_TZ).date()
        self.due_date = self.due_at.astimezone(VN_TZ).date()
        finished = self.result_ready_at
        self.finished_date = finished.astimezone(VN_TZ).date() if finished else None
        self.closed_date = self.closed_at.astimezone(VN_TZ).date() if self.closed_at else None

    @property
    def current_appointment(self) -> dt.datetime:
        """The appointment the applicant holds: rescheduled by an issued apology, else the due."""
        return self.appointment_at or self.due_at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    def is_overdue(self, at: dt.datetime) -> bool:
        """In progress and past its due instant at `at` (a paused clock stops before the due)."""
        if not self.is_open:
            return False
        if self.paused_at is not None and self.paused_at <= self.due_at:
            return False
        return at > self.due_at

    def classify(self, at: dt.datetime) -> Classification:
        """Early / on time / late once settled; within deadline / overdue while in progress.

        As seen at `at`: an outcome recorded after `at` has not happened yet.
        """
        if self.closed_at is not None and self.closed_at <= at:
            return Classification.LEFT_OUT
        if self.result_ready_at is not None and self.result_ready_at <= at:
            if self.result_ready_at > self.due_at:
                return Classification.LATE
            finished_day = self.result_ready_at.astimezone(VN_TZ).date()
            if finished_day < self.due_at.astimezone(VN_TZ).date():
                return Classification.EARLY
            return Classification.ON_TIME
        if self.paused_at is not None and self.paused_at <= at and self.paused_at <= self.due_at:
            return Classification.WITHIN_DEADLINE
        return Classification.OVERDUE if at > self.due_at else Classification.WITHIN_DEADLINE


class DossierEvent(models.Model):
    """One step in a dossier's life; rows are only ever appended (Mẫu 05 hand-overs included)."""

    class Type(models.TextChoices):
        RECEIVED = "received", "Tiếp nhận"
        TRANSFERRED = "transferred", "Chuyển xử lý"
        SUPPLEMENT_REQUESTED = "supplement_requested", "Yêu cầu bổ sung"
        SUPPLEMENT_RECEIVED = "supplement_received", "Nhận hồ sơ bổ sung"
        SUSPENDED = "suspended", "Tạm dừng"
        RESUMED = "resumed", "Tiếp tục xử lý"
        RESULT_READY = "result_ready", "Có kết quả"
        RETURNED = "returned", "Trả kết quả"
        REFUSED = "refused", "Từ chối"
        WITHDRAWN = "withdrawn", "Rút hồ sơ"
        SUBMITTED = "submitted", "Nộp trực tuyến"
        ACCEPTED = "accepted", "Tiếp nhận hồ sơ trực tuyến"
        DECLINED = "declined", "Không tiếp nhận"
        STOPPED = "stopped", "Dừng giải quyết"
        SUPPLEMENT_EXPIRED = "supplement_expired", "Quá hạn bổ sung"
        RESCHEDULED = "rescheduled", "Hẹn lại ngày trả kết quả"
        CALENDAR_CHANGED = "calendar_changed", "Lịch làm việc thay đổi"
        CORRECTED = "corrected", "Đính chính thông tin"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events", verbose_name="hồ sơ")
    type = models.CharField("loại", max_length=24, choices=Type.choices)
    at = models.DateTimeField("thời điểm")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người thực hiện"
    )
    from_unit = models.CharField("từ bộ phận", validators=CLEAN_TEXT, max_length=100, blank=True)
    to_unit = models.CharField("đến bộ phận", validators=CLEAN_TEXT, max_length=100, blank=True)
    note = models.TextField("ghi chú", validators=CLEAN_TEXT, blank=True)
    payload = models.JSONField("dữ liệu", validators=CLEAN_TEXT, default=dict, blank=True)
    recorded_at = models.DateTimeField("ghi nhận lúc", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện hồ sơ"
        verbose_name_plural = "sự kiện hồ sơ"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="event_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.get_type_display()} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Dossier events are append-only.")
        super().save(*args, **kwargs)


class DossierCounter(models.Model):
    """Sequences per agency: one row per (agency, scope), locked while allocating.

    Gap-free, except for tracking-book lines that a failed import reserved and could not give
    back because an intake had taken a later line meanwhile (docs/import-dossiers.md).
    """

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=16)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "scope"], name="dossier_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.scope}: {self.last_value}"
