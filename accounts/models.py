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
