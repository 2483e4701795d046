"""Apology letters with a new appointment (Phiếu xin lỗi và hẹn lại ngày trả kết quả, Mẫu 04)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.text import CLEAN_TEXT

PLACEHOLDER_REASON = "Chưa cập nhật lý do"


class ApologyLetter(models.Model):
    """One letter for one delay of one dossier; the sweep drafts it, a head issues it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        ISSUED = "issued", "Đã ban hành"
        CANCELLED = "cancelled", "Đã hủy"

    class SentVia(models.TextChoices):
        COUNTER = "counter", "Trực tiếp tại Bộ phận Một cửa"
        POST = "post", "Bưu chính"
        EMAIL = "email", "Thư điện tử"
        SMS = "sms", "Tin nhắn SMS"

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="apology_letters", verbose_name="hồ sơ"
    )
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="apology_letters", verbose_name="cơ quan"
    )
    year = models.PositiveIntegerField("năm")
    number = models.PositiveIntegerField("số")
    delay_number = models.PositiveSmallIntegerField(
        "lần hẹn lại", default=1, help_text="1 cho lần trễ hẹn đầu tiên, 2 nếu lại trễ hẹn mới, …"
    )
    exceeds_limit = models.BooleanField(
        "vượt số lần hẹn lại cho phép", default=False, help_text="Được ghi nhận và tính là vi phạm trong báo cáo."
    )
    reason = models.TextField("lý do", validators=CLEAN_TEXT, default=PLACEHOLDER_REASON)
    original_due_at = models.DateTimeField("hẹn trả ban đầu")
    new_due_at = models.DateTimeField("hẹn lại trả kết quả")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người dự thảo",
        help_text="Để trống: hệ thống tự dự thảo khi rà soát hồ sơ trễ hẹn.",
    )
    drafted_at = models.DateTimeField("dự thảo lúc")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người ban hành",
    )
    signer_name = models.CharField("người ký", validators=CLEAN_TEXT, max_length=100, blank=True)
    signer_title = models.CharField("chức vụ người ký", validators=CLEAN_TEXT, max_length=100, blank=True)
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)
    sent_via = models.CharField("hình thức gửi", max_length=8, choices=SentVia.choices, blank=True)
    cancelled_reason = models.TextField("lý do hủy", validators=CLEAN_TEXT, blank=True)
    cancelled_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phiếu xin lỗi và hẹn lại"
        verbose_name_plural = "phiếu xin lỗi và hẹn lại"
        ordering = ["-year", "-number"]
        permissions = [("issue_apologyletter", "Ký ban hành phiếu xin lỗi")]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "delay_number"],
                condition=~Q(status="cancelled"),
                name="apology_one_live_letter_per_delay",
            ),
            models.UniqueConstraint(fields=["agency", "year", "number"], name="apology_number_unique"),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="apology_agency_status")]

    def __str__(self) -> str:
        return f"Số {self.number_display} – {self.dossier_id}"

    @property
    def number_display(self) -> str:
        """`12/PXL`, or `12/PXL-SGDĐT` when the agency has a letter prefix."""
        suffix = f"-{self.agency.letter_prefix}" if self.agency.letter_prefix else ""
        return f"{self.number:02d}/PXL{suffix}"
