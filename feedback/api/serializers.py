"""Feedback API shapes: input serializers validate, services decide, output serializers show."""

from __future__ import annotations

from rest_framework import serializers

from config import dates
from feedback.models import FeedbackEvent, FeedbackItem, SatisfactionRating, SurveyPlan, SurveySample
from feedback.services import allowed_actions


def _score() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5)


def _comment() -> serializers.CharField:
    return serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ScoresSerializer(serializers.Serializer):
    information_score = _score()
    attitude_score = _score()
    timeliness_score = _score()
    result_score = _score()
    information_comment = _comment()
    attitude_comment = _comment()
    timeliness_comment = _comment()
    result_comment = _comment()


class RatingCreateSerializer(ScoresSerializer):
    dossier = serializers.CharField(max_length=40, help_text="Mã hồ sơ (đã trả kết quả)")


class RatingSerializer(serializers.ModelSerializer):
    """A rating as staff see it: the dossier code, never the applicant's name or phone."""

    dossier = serializers.CharField(source="dossier.code", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    field = serializers.CharField(source="dossier.field.code", read_only=True)
    procedure = serializers.CharField(source="dossier.procedure.code", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    satisfied = serializers.BooleanField(source="is_satisfied", read_only=True)
    change_deadline = serializers.DateField(read_only=True)

    class Meta:
        model = SatisfactionRating
        fields = [
            "id", "dossier", "agency", "field", "procedure", "channel", "channel_display",
            "information_score", "attitude_score", "timeliness_score", "result_score",
            "information_comment", "attitude_comment", "timeliness_comment", "result_comment",
            "overall", "satisfied", "first_rated_at", "rated_date", "changed_at", "change_count",
            "change_deadline",
        ]
        read_only_fields = fields


class PeriodSerializer(serializers.Serializer):
    date_from = dates.ApiDateField()
    date_to = dates.ApiDateField()
    agency = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": "Ngày kết thúc phải sau ngày bắt đầu."})
        return attrs


class SatisfactionReportQuerySerializer(PeriodSerializer):
    group_by = serializers.ChoiceField(choices=["field", "procedure", "agency", "month"], default="field")


class FeedbackEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    type_display = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = FeedbackEvent
        fields = ["type", "type_display", "at", "actor", "note", "payload"]

    def get_actor(self, event) -> str:
        if event.actor is None:
            return "người dân"
        return event.actor.get_full_name() or event.actor.get_username()


class FeedbackItemSerializer(serializers.ModelSerializer):
    """Staff view (agency-scoped): includes the private contact details."""

    agency = serializers.CharField(source="agency.code", read_only=True)
    dossier = serializers.CharField(source="dossier.code", read_only=True, allow_null=True, default=None)
    procedure = serializers.CharField(source="procedure.code", read_only=True, allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True, default=None)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = FeedbackItem
        fields = [
            "code", "agency", "channel", "channel_display", "category", "category_display", "content",
            "dossier", "procedure", "contact_name", "contact_phone", "contact_email", "contact_address",
            "received_at", "response_working_days", "due_at", "status", "status_display", "assignee",
            "assigned_at", "answer", "answered_at", "closed_at",
        ]
        read_only_fields = fields


class FeedbackItemDetailSerializer(FeedbackItemSerializer):
    events = FeedbackEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(FeedbackItemSerializer.Meta):
        fields = [*FeedbackItemSerializer.Meta.fields, "allowed_actions", "events"]
        read_only_fields = fields

    def get_allowed_actions(self, item) -> list[str]:
        return allowed_actions(item)


class FeedbackCreateSerializer(serializers.Serializer):
    """Staff record an item received by email, hotline or at the counter."""

    agency = serializers.CharField(
        max_length=32, required=False, help_text="Mã cơ quan; chỉ cần khi xem nhiều cơ quan."
    )
    channel = serializers.ChoiceField(
        choices=[c for c in FeedbackItem.Channel.choices if c[0] != FeedbackItem.Channel.WEB]
    )
    category = serializers.ChoiceField(choices=FeedbackItem.Category.choices)
    content = serializers.CharField(max_length=5000)
    contact_name = serializers.CharField(max_length=200)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    dossier = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    procedure = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    received_at = dates.ApiDateTimeField(required=False, allow_null=True, default=None)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(max_length=150, help_text="Tên đăng nhập của cán bộ xử lý")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SurveyPlanSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    sample_size = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyPlan
        fields = [
            "id", "agency", "title", "year", "returned_from", "returned_to", "per_field", "seed",
            "created_at", "sample_size", "answered",
        ]
        read_only_fields = fields


class SurveyPlanCreateSerializer(serializers.Serializer):
    agency = serializers.CharField(max_length=32, required=False)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    returned_from = dates.ApiDateField()
    returned_to = dates.ApiDateField()
    per_field = serializers.IntegerField(min_value=1, max_value=1000)
    seed = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


class SurveySampleSerializer(serializers.ModelSerializer):
    """Without the applicant's name and phone: those are only in the permission-gated export."""

    dossier = serializers.CharField(source="dossier.code", read_only=True)
    field = serializers.CharField(source="field.code", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    overall = serializers.DecimalField(
        source="rating.overall", max_digits=3, decimal_places=2, read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = SurveySample
        fields = [
            "id", "plan", "position", "dossier", "field", "outcome", "outcome_display", "called_at", "overall", "note",
        ]
        read_only_fields = fields


class SurveyResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[c for c in SurveySample.Outcome.choices if c[0] != SurveySample.Outcome.PENDING]
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    information_score = serializers.IntegerField(min_value=1, max_value=5, required=False)
    attitude_score = serializers.IntegerField(min_value=1, max_value=5, required=False)
    timeliness_score = serializers.IntegerField(min_value=1, max_value=5, required=False)
    result_score = serializers.IntegerField(min_value=1, max_value=5, required=False)
    information_comment = _comment()
    attitude_comment = _comment()
    timeliness_comment = _comment()
    result_comment = _comment()
