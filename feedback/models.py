"""Citizen satisfaction ratings (SIPAS), telephone survey plans, and feedback items (GYPAKN)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.text import CLEAN_TEXT
from procedures.calendar import VN_TZ

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]

# (criterion key, label). The key names the model fields `<key>_score` and `<key>_comment`.
CRITERIA: tuple[tuple[str, str], ...] = (
    ("information", "Tiếp cận thông tin về thủ tục hành chính"),
    ("attitude", "Thái độ, sự hướng dẫn của cán bộ"),
    ("timeliness", "Thời gian giải quyết so với ngày hẹn"),
    ("result", "Kết quả giải quyết"),
)
CRITERIA_LABELS = dict(CRITERIA)
SCORE_LABELS = {
    1: "Rất không hài lòng",
    2: "Không hài lòng",
    3: "Bình thường",
    4: "Hài lòng",
    5: "Rất hài lòng",
}
SATISFIED_FROM = Decimal(4)  # an overall score at or above this counts as satisfied


def _score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=SCORE_VALIDATORS)


def _comment(label: str) -> models.TextField:
    return models.TextField(label, validators=CLEAN_TEXT, blank=True, max_length=2000)


class SatisfactionRating(models.Model):
    """The applicant's rating of one returned dossier: four criteria, 1–5 each.

    One row per dossier; the applicant may change it for a few calendar days after the first
    rating (`SATISFACTION_CHANGE_DAYS`). No name or phone is kept here: reports read only
    the scores, so they never show who rated.
    """

    class Channel(models.TextChoices):
        COUNTER = "counter", "Tại Bộ phận Một cửa (kiosk)"
        ONLINE = "online", "Trực tuyến (tra cứu hồ sơ)"
        PHONE_SURVEY = "phone_survey", "Khảo sát qua điện thoại"

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="satisfaction_rating", verbose_name="hồ sơ"
    )
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan",
        help_text="Chép từ hồ sơ, để phân quyền theo cơ quan và thống kê.",
    )
    channel = models.CharField("kênh đánh giá", max_length=16, choices=Channel.choices)
    information_score = _score("tiếp cận thông tin")
    attitude_score = _score("thái độ, hướng dẫn của cán bộ")
    timeliness_score = _score("thời gian so với ngày hẹn")
    result_score = _score("kết quả giải quyết")
    information_comment = _comment("ý kiến về tiếp cận thông tin")
    attitude_comment = _comment("ý kiến về thái độ, hướng dẫn")
    timeliness_comment = _comment("ý kiến về thời gian")
    result_comment = _comment("ý kiến về kết quả")
    overall = models.DecimalField(
        "điểm chung", max_digits=3, decimal_places=2, editable=False,
        help_text="Trung bình bốn tiêu chí; hài lòng khi từ 4 trở lên.",
    )
    first_rated_at = models.DateTimeField("đánh giá lần đầu lúc", editable=False)
    rated_date = models.DateField(
        "ngày đánh giá", db_index=True, editable=False,
        help_text="Ngày (giờ Việt Nam) của lần đánh giá đầu tiên; kỳ báo cáo lọc theo cột này.",
    )
    changed_at = models.DateTimeField("sửa lần cuối lúc", null=True, blank=True, editable=False)
    change_count = models.PositiveSmallIntegerField("số lần sửa", default=0, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="cán bộ ghi nhận", help_text="Trống khi người dân tự đánh giá trên trang công khai.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đánh giá sự hài lòng"
        verbose_name_plural = "đánh giá sự hài lòng"
        ordering = ["-first_rated_at", "-id"]
        indexes = [models.Index(fields=["agency", "rated_date"], name="rating_agency_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(information_score__range=(1, 5)) & Q(attitude_score__range=(1, 5))
                & Q(timeliness_score__range=(1, 5)) & Q(result_score__range=(1, 5)),
                name="rating_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.overall}"

    @property
    def scores(self) -> dict[str, int]:
        return {key: getattr(self, f"{key}_score") for key, _ in CRITERIA}

    def compute_overall(self) -> Decimal:
        """The mean of the four scores; always a multiple of 0.25, so two decimals are exact."""
        return (Decimal(sum(self.scores.values())) / 4).quantize(Decimal("0.01"))

    @property
    def is_satisfied(self) -> bool:
        return self.overall is not None and self.overall >= SATISFIED_FROM

    @property
    def change_deadline(self) -> dt.date:
        """The last local day on which the rating may still be changed.

        Counted like a legal period in days (Civil Code Art. 147): the day of the first rating is
        not counted, so 7 days from Wed 25/11 run through Wed 02/12 inclusive.
        """
        return self.rated_date + dt.timedelta(days=settings.SATISFACTION_CHANGE_DAYS)

    def can_change(self, at: dt.datetime) -> bool:
        return at.astimezone(VN_TZ).date() <= self.change_deadline


class SurveyPlan(models.Model):
    """A telephone survey plan (Kế hoạch đo lường sự hài lòng), usually drawn each Q4.

    The sample is stratified by field and drawn with a stored seed, so it can be drawn again
    and give the same dossiers.
    """

    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    title = models.CharField("tên kế hoạch", validators=CLEAN_TEXT, max_length=255)
    year = models.PositiveIntegerField("năm")
    returned_from = models.DateField("hồ sơ trả kết quả từ ngày")
    returned_to = models.DateField("đến ngày")
    per_field = models.PositiveIntegerField(
        "số hồ sơ mỗi lĩnh vực", validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    seed = models.BigIntegerField("hạt giống ngẫu nhiên", help_text="Cùng hạt giống và cùng dữ liệu cho cùng mẫu.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="người lập"
    )
    created_at = models.DateTimeField("lập lúc")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kế hoạch khảo sát sự hài lòng"
        verbose_name_plural = "kế hoạch khảo sát sự hài lòng"
        ordering = ["-year", "-created_at", "-id"]
        permissions = [("export_surveyplan", "Xuất danh sách khảo sát (có họ tên, điện thoại người dân)")]

    def __str__(self) -> str:
        return self.title


class SurveySample(models.Model):
    """One dossier drawn for a telephone survey, and the outcome of the call."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Chưa gọi"
        ANSWERED = "answered", "Đã trả lời"
        UNREACHABLE = "unreachable", "Không liên lạc được"
        DECLINED = "declined", "Từ chối trả lời"

    plan = models.ForeignKey(SurveyPlan, on_delete=models.CASCADE, related_name="samples", verbose_name="kế hoạch")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+", verbose_name="hồ sơ")
    field = models.ForeignKey("procedures.Field", on_delete=models.PROTECT, related_name="+", verbose_name="lĩnh vực")
    position = models.PositiveIntegerField("số thứ tự")
    outcome = models.CharField("kết quả gọi", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    rating = models.OneToOneField(
        SatisfactionRating, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_sample",
        verbose_name="đánh giá",
    )
    called_at = models.DateTimeField("gọi lúc", null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="người gọi",
    )
    note = models.TextField("ghi chú", validators=CLEAN_TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hồ sơ được chọn khảo sát"
        verbose_name_plural = "hồ sơ được chọn khảo sát"
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "dossier"], name="survey_sample_once_per_plan"),
            models.UniqueConstraint(fields=["plan", "position"], name="survey_sample_position"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}#{self.position}"


class FeedbackItem(models.Model):
    """A comment, complaint or recommendation (góp ý, phản ánh, kiến nghị) from a citizen.

    The citizen's contact is private: public pages show the code, status and answer only. The
    look-up token is kept as a SHA-256 digest; the plain token is shown once, at submission.
    """

    class Channel(models.TextChoices):
        WEB = "web", "Trang góp ý trực tuyến"
        EMAIL = "email", "Thư điện tử"
        HOTLINE = "hotline", "Đường dây nóng"
        COUNTER = "counter", "Trực tiếp tại Bộ phận Một cửa"

    class Category(models.TextChoices):
        COMMENT = "comment", "Góp ý"
        COMPLAINT = "complaint", "Phản ánh"
        RECOMMENDATION = "recommendation", "Kiến nghị"

    class Status(models.TextChoices):
        RECEIVED = "received", "Đã tiếp nhận"
        PROCESSING = "processing", "Đang xử lý"
        ANSWERED = "answered", "Đã trả lời"
        CLOSED = "closed", "Đã đóng"

    code = models.CharField("mã phản ánh", validators=CLEAN_TEXT, max_length=64, unique=True)
    agency = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan")
    channel = models.CharField("kênh tiếp nhận", max_length=8, choices=Channel.choices)
    category = models.CharField("phân loại", max_length=16, choices=Category.choices)
    content = models.TextField("nội dung", validators=CLEAN_TEXT, max_length=5000)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="hồ sơ liên quan",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="thủ tục liên quan",
    )
    contact_name = models.CharField("họ tên người gửi", validators=CLEAN_TEXT, max_length=200)
    contact_phone = models.CharField("điện thoại", validators=CLEAN_TEXT, max_length=16, blank=True)
    contact_email = models.EmailField("thư điện tử", blank=True)
    contact_address = models.CharField("địa chỉ", validators=CLEAN_TEXT, max_length=300, blank=True)
    token_digest = models.CharField(max_length=64, editable=False)

    received_at = models.DateTimeField("tiếp nhận lúc")
    received_date = models.DateField("ngày tiếp nhận", db_index=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="cán bộ ghi nhận", help_text="Trống khi người dân tự gửi trên trang góp ý.",
    )
    response_working_days = models.PositiveSmallIntegerField("thời hạn trả lời (ngày làm việc)", editable=False)
    due_at = models.DateTimeField("hạn trả lời", editable=False)
    status = models.CharField("trạng thái", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="người xử lý",
    )
    assigned_at = models.DateTimeField("phân công lúc", null=True, blank=True)
    answer = models.TextField("nội dung trả lời", validators=CLEAN_TEXT, blank=True, max_length=5000)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="người trả lời",
    )
    closed_at = models.DateTimeField("đóng lúc", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"], name="feedback_agency_status"),
            models.Index(fields=["agency", "received_date"], name="feedback_agency_received"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FEEDBACK_STATUSES

    def is_overdue(self, at: dt.datetime) -> bool:
        """Not answered yet and past its response deadline at `at`."""
        return self.is_open and at > self.due_at

    def answered_on_time(self) -> bool | None:
        return None if self.answered_at is None else self.answered_at <= self.due_at


OPEN_FEEDBACK_STATUSES = (FeedbackItem.Status.RECEIVED, FeedbackItem.Status.PROCESSING)


class FeedbackEvent(models.Model):
    """One step of a feedback item (received, assigned, answered, closed); append-only."""

    class Type(models.TextChoices):
        RECEIVED = "received", "Tiếp nhận"
        ASSIGNED = "assigned", "Phân công xử lý"
        ANSWERED = "answered", "Trả lời"
        CLOSED = "closed", "Đóng"

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="events", verbose_name="phản ánh")
    type = models.CharField("loại", max_length=12, choices=Type.choices)
    at = models.DateTimeField("thời điểm")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="người thực hiện",
    )
    note = models.TextField("ghi chú", validators=CLEAN_TEXT, blank=True)
    payload = models.JSONField("dữ liệu", validators=CLEAN_TEXT, default=dict, blank=True)

    class Meta:
        verbose_name = "bước xử lý phản ánh"
        verbose_name_plural = "bước xử lý phản ánh"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_type_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Feedback events are append-only.")
        super().save(*args, **kwargs)
