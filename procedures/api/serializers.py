from rest_framework import serializers

from accounts.scoping import sees_all_agencies, user_agency
from config import dates
from procedures.models import Agency, CalendarOverride, Field, Procedure, agency_change_refused


def agency_stays(serializer, attrs) -> None:
    """A field's or a procedure's agency is fixed once anything refers to it (a 400 naming why)."""
    if serializer.instance is not None and "agency" in attrs:
        reason = agency_change_refused(serializer.instance, attrs["agency"].pk)
        if reason:
            raise serializers.ValidationError({"agency": reason})


OTHER_AGENCY = "Anh/chị chỉ quản lý danh mục của cơ quan mình ({own})."
GLOBAL_OVERRIDE = "Điều chỉnh lịch áp dụng cho mọi cơ quan do quản trị cấp tỉnh đặt; hãy chọn cơ quan của mình."


def agency_in_scope(serializer, agency: Agency | None) -> Agency | None:
    """The agency a catalogue write names, if the writer may write for it (else a 400)."""
    user = serializer.context["request"].user
    if sees_all_agencies(user):
        return agency
    own = user_agency(user)
    if agency is None:
        raise serializers.ValidationError(GLOBAL_OVERRIDE)
    if own is None or agency.pk != own.pk:
        raise serializers.ValidationError(OTHER_AGENCY.format(own=own.code if own else "không có"))
    return agency


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = [
            "id", "code", "name", "level", "parent_name", "locality", "address", "phone",
            "result_place", "morning_start", "morning_end", "afternoon_start", "afternoon_end",
            "counting_convention", "head_name", "head_title", "letter_prefix",
        ]

    def validate(self, attrs):
        instance = Agency(**{**self._current(), **attrs})
        instance.clean()
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {name: getattr(self.instance, name) for name in self.Meta.fields if name != "id"}


class FieldSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())

    class Meta:
        model = Field
        fields = ["id", "agency", "code", "name"]

    validate_agency = agency_in_scope

    def validate(self, attrs):
        agency_stays(self, attrs)
        return attrs


class ProcedureSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all())
    field_code = serializers.CharField(source="field.code", read_only=True)
    field_name = serializers.CharField(source="field.name", read_only=True)
    online_mode = serializers.CharField(read_only=True)
    processing_time_display = serializers.CharField(read_only=True)
    required_documents_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id", "agency", "field", "field_code", "field_name", "code", "name",
            "processing_amount", "processing_unit", "processing_time_display", "online_level",
            "online_mode", "supplement_policy", "apology_extension_days", "fee",
            "required_documents", "required_documents_list", "legal_basis", "is_active",
            "needs_verification", "verification_note",
        ]

    validate_agency = agency_in_scope

    def validate(self, attrs):
        agency_stays(self, attrs)
        agency = attrs.get("agency", getattr(self.instance, "agency", None))
        field = attrs.get("field", getattr(self.instance, "field", None))
        if agency and field and field.agency_id != agency.id:
            raise serializers.ValidationError({"field": "Lĩnh vực không thuộc cơ quan của thủ tục."})
        return attrs


class CalendarOverrideSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = CalendarOverride
        fields = ["id", "date", "kind", "agency", "reason", "legal_reference"]
        validators = []  # the conditional unique constraints are checked in validate()

    validate_agency = agency_in_scope

    def validate(self, attrs):
        if self.instance is None and "agency" not in attrs:  # left out: an override for every agency
            try:
                agency_in_scope(self, None)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"agency": exc.detail}) from exc
        day = attrs.get("date", getattr(self.instance, "date", None))
        agency = attrs.get("agency", getattr(self.instance, "agency", None))
        clash = CalendarOverride.objects.filter(date=day, agency=agency)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"date": "Ngày này đã có điều chỉnh lịch cho cùng phạm vi."})
        return attrs


class DueAtQuerySerializer(serializers.Serializer):
    received_at = dates.ApiDateTimeField(
        help_text="Thời điểm tiếp nhận, ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam."
    )
    amount = serializers.IntegerField(min_value=0, max_value=3650)
    unit = serializers.ChoiceField(choices=["working_days", "working_hours", "calendar_days"])
    agency = serializers.CharField(required=False, help_text="Mã cơ quan (mặc định: giờ hành chính chung).")

    def validate_agency(self, value):
        agency = Agency.objects.filter(code=value).first()
        if agency is None:
            raise serializers.ValidationError(f"Không có cơ quan mã {value!r}.")
        return agency


class DueAtSerializer(serializers.Serializer):
    received_at = serializers.DateTimeField()
    start_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()


class NonWorkingQuerySerializer(serializers.Serializer):
    """Query `?from=YYYY-MM-DD&to=YYYY-MM-DD[&agency=CODE]` (`from` is a Python keyword)."""

    def get_fields(self):
        return {
            "from": dates.ApiDateField(help_text="Từ ngày (YYYY-MM-DD)"),
            "to": dates.ApiDateField(help_text="Đến ngày (YYYY-MM-DD)"),
            "agency": serializers.CharField(required=False, help_text="Mã cơ quan"),
        }

    validate_agency = DueAtQuerySerializer.validate_agency

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."})
        if (attrs["to"] - attrs["from"]).days > 3660:
            raise serializers.ValidationError({"to": "Khoảng thời gian tối đa là 10 năm."})
        return attrs


class NonWorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.CharField()
    reason = serializers.CharField()
