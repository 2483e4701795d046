"""Dossier API shapes: input serializers validate, services decide, output serializers show."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from config import dates
from dossiers.models import Channel, Dossier, DossierEvent, cccd_validator, phone_validator
from dossiers.services import allowed_actions
from privacy.masking import mask_id_number


class DocumentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=[("original", "Bản chính"), ("copy", "Bản sao")], default="copy")
    count = serializers.IntegerField(min_value=1, max_value=100, default=1)


class DossierCreateSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=32, help_text="Mã thủ tục, ví dụ 1.005092")
    agency = serializers.CharField(
        max_length=32, required=False, help_text="Mã cơ quan; chỉ cần khi tài khoản xem được nhiều cơ quan."
    )
    applicant_name = serializers.CharField(max_length=200)
    applicant_phone = serializers.CharField(max_length=16)
    applicant_id_number = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices)
    documents = DocumentSerializer(many=True, required=False, default=list)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    received_at = dates.ApiDateTimeField(required=False, allow_null=True, default=None)

    def validate_applicant_phone(self, value):
        value = value.strip().replace(" ", "").replace(".", "")
        phone_validator(value)
        return value

    def validate_applicant_id_number(self, value):
        value = value.strip()
        if value:
            cccd_validator(value)
        return value

    def validate_applicant_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("Cần nhập họ tên người nộp.")
        return value


class ActionAtSerializer(serializers.Serializer):
    at = dates.ApiDateTimeField(required=False, allow_null=True, default=None)


class RequestSupplementSerializer(ActionAtSerializer):
    items = serializers.ListField(child=serializers.CharField(max_length=300), min_length=1, max_length=50)
    reason = serializers.CharField(max_length=2000)


class ReasonSerializer(ActionAtSerializer):
    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(ActionAtSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NoteSerializer(ActionAtSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TransferSerializer(NoteSerializer):
    to_unit = serializers.CharField(max_length=100)


class FinishSerializer(ActionAtSerializer):
    result_note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    type_display = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = DossierEvent
        fields = ["id", "type", "type_display", "at", "actor", "from_unit", "to_unit", "note", "payload", "recorded_at"]

    def get_actor(self, event) -> str:
        return event.actor.get_full_name() or event.actor.get_username()


class DossierSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    procedure = serializers.CharField(source="procedure.code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    field = serializers.CharField(source="field.code", read_only=True)
    field_name = serializers.CharField(source="field.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    received_by = serializers.CharField(source="received_by.username", read_only=True)
    applicant_id_number = serializers.SerializerMethodField(
        help_text="Che bớt trong danh sách (0792******34); đầy đủ ở chi tiết hồ sơ, nơi lượt đọc được ghi nhật ký."
    )

    class Meta:
        model = Dossier
        fields = [
            "code", "agency", "procedure", "procedure_name", "field", "field_name",
            "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
            "applicant_address", "channel", "channel_display", "documents", "received_at",
            "received_by", "due_at", "status", "status_display", "paused_at", "current_unit",
            "result_ready_at", "result_note", "returned_at", "closed_at", "supplement_count",
            "supplement_rule_breached", "book_volume", "book_line", "notes",
        ]
        read_only_fields = fields

    def get_applicant_id_number(self, dossier) -> str:
        return mask_id_number(dossier.applicant_id_number)


class DossierDetailSerializer(DossierSerializer):
    applicant_id_number = serializers.CharField(read_only=True, help_text="Đầy đủ; lượt đọc được ghi nhật ký.")
    events = EventSerializer(many=True, read_only=True)
    classification = serializers.SerializerMethodField()
    classification_display = serializers.SerializerMethodField()
    classified_at = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "classification", "classification_display", "classified_at", "allowed_actions", "events",
        ]
        read_only_fields = fields

    def _at(self):
        return self.context.get("at") or timezone.now()

    def get_classification(self, dossier) -> str:
        return dossier.classify(self._at()).value

    def get_classification_display(self, dossier) -> str:
        return dossier.classify(self._at()).label

    def get_classified_at(self, dossier) -> str:
        return self._at().isoformat()

    def get_allowed_actions(self, dossier) -> list[str]:
        return allowed_actions(dossier)
