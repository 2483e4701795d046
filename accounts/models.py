"""Who works where: each staff account belongs to one agency, or sees the whole province."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from config.text import CLEAN_TEXT


class StaffProfile(models.Model):
    """The agency a user acts for. Without a profile a non-superuser sees no agency's data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name="tài khoản"
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="cơ quan",
    )
    unit = models.CharField(
        "bộ phận", validators=CLEAN_TEXT, max_length=100, blank=True,
        help_text="Ví dụ: Bộ phận Một cửa, Phòng Khảo thí."
    )
    position = models.CharField("chức vụ", validators=CLEAN_TEXT, max_length=100, blank=True)
    phone = models.CharField("điện thoại", validators=CLEAN_TEXT, max_length=32, blank=True)
    province_wide = models.BooleanField(
        "xem mọi cơ quan", default=False, help_text="Cấp tỉnh: xem được hồ sơ của mọi cơ quan."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hồ sơ cán bộ"
        verbose_name_plural = "hồ sơ cán bộ"

    def __str__(self) -> str:
        return f"{self.user} – {self.agency or 'toàn tỉnh'}"


# Users are audited too (who created an account, changed its roles or deactivated it). The
# password hash and the last-login stamp stay out of the history: one is a secret, the other noise.
register(
    get_user_model(),
    app="accounts",
    table_name="accounts_historicaluser",
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups"],
)


class ApiToken(models.Model):
    """A key another system sends as `Authorization: Token <key>`, acting as `user`.

    Only the SHA-256 digest of the key is stored: the key itself is shown once, when the token
    is issued (accounts.tokens.api_token_issue), and cannot be read back, by anyone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="tài khoản"
    )
    name = models.CharField("dùng cho", max_length=100, blank=True, help_text="Ví dụ: Cổng dịch vụ công tỉnh.")
    prefix = models.CharField("mở đầu", max_length=8, editable=False, help_text="8 ký tự đầu của mã, để nhận ra mã.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField("tạo lúc", editable=False)
    expires = models.DateTimeField("hết hạn lúc", editable=False)
    last_used = models.DateTimeField("dùng lần cuối", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="người tạo",
    )

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_expired(self, *, at) -> bool:
        return at >= self.expires
