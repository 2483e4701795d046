"""The personal-data access log (Law 91/2025/QH15, Decree 356/2025): who read whose data, when, from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an access-log row through the ORM."""


class AccessQuerySet(models.QuerySet):
    """Bulk update and delete are refused too: `save()`/`delete()` guards alone miss them."""

    def update(self, **kwargs):
        raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân chỉ được ghi thêm, không được xóa.")


class PersonalDataAccess(models.Model):
    """One read of personal data: a dossier page, a printed form, an API detail, an export.

    Rows are only ever appended. The ORM refuses to save an existing row, to delete one, and
    bulk updates or deletes; on PostgreSQL a trigger refuses UPDATE and DELETE as well
    (migration 0002). The foreign keys carry no database constraint, so a row outlives what it
    points at and never blocks a deletion elsewhere; `dossier_code` and `username` keep the
    names readable either way. An export is one row: `count` says how many dossiers it held,
    `subject` what it covered (a survey plan, a date range).
    """

    class Kind(models.TextChoices):
        DOSSIER_PAGE = "dossier_page", "Trang hồ sơ"
        RECEIPT = "receipt", "Giấy tiếp nhận (Mẫu 01)"
        FORM02 = "form02", "Phiếu yêu cầu bổ sung (Mẫu 02)"
        FORM03 = "form03", "Phiếu từ chối (Mẫu 03)"
        LETTER_PAGE = "letter_page", "Trang phiếu xin lỗi"
        LETTER_PRINT = "letter_print", "Bản in phiếu xin lỗi (Mẫu 04)"
        LETTER_DOCX = "letter_docx", "Tệp .docx phiếu xin lỗi"
        FEEDBACK_PAGE = "feedback_page", "Trang phản ánh, kiến nghị"
        ADMIN_PAGE = "admin_page", "Trang quản trị hồ sơ"
        API_DETAIL = "api_detail", "API: chi tiết hồ sơ"
        SURVEY_EXPORT = "survey_export", "Danh sách khảo sát (.xlsx)"
        TRACKING_BOOK = "tracking_book", "Sổ theo dõi hồ sơ (.xlsx)"
        SUBJECT_EXPORT = "subject_export", "Trích xuất dữ liệu theo yêu cầu của chủ thể"

    class Source(models.TextChoices):
        WEB = "web", "Trang web"
        API = "api", "API"
        COMMAND = "command", "Dòng lệnh"

    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="tài khoản",
    )
    username = models.CharField("tên đăng nhập", max_length=150, help_text="Chép lúc ghi, để đọc được mãi.")
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="cơ quan", help_text="Cơ quan của dữ liệu được đọc; để phân quyền xem nhật ký.",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name="hồ sơ",
    )
    dossier_code = models.CharField("mã hồ sơ", max_length=64, blank=True, db_index=True)
    kind = models.CharField("loại truy cập", max_length=16, choices=Kind.choices)
    source = models.CharField("kênh", max_length=8, choices=Source.choices)
    subject = models.CharField("phạm vi", max_length=255, blank=True, help_text="Với tệp xuất: kế hoạch, khoảng ngày…")
    count = models.PositiveIntegerField("số hồ sơ", default=1)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=200, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = "lượt truy cập dữ liệu cá nhân"
        verbose_name_plural = "nhật ký truy cập dữ liệu cá nhân"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["agency", "at"], name="pda_agency_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind} {self.dossier_code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Nhật ký truy cập dữ liệu cá nhân chỉ được ghi thêm, không được xóa.")
