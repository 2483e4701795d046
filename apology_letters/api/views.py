"""Apology letter API: list, draft by hand, edit a draft, issue, cancel."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.filters import AgencyFilterSet
from accounts.scoping import scope_to_user
from apology_letters import services
from apology_letters.models import ApologyLetter
from config import dates
from config.viewsets import FilterListsOnly
from dossiers.models import Dossier


class ApologyLetterFilterSet(AgencyFilterSet):
    dossier = django_filters.CharFilter(field_name="dossier__code", label="Mã hồ sơ")
    drafted_from = dates.IsoDateTimeFilter(field_name="drafted_at", lookup_expr="gte")
    drafted_to = dates.IsoDateTimeFilter(field_name="drafted_at", lookup_expr="lte")
    year = django_filters.NumberFilter()

    class Meta:
        model = ApologyLetter
        fields = ["agency", "status", "dossier", "year", "exceeds_limit"]


class ApologyLetterSerializer(serializers.ModelSerializer):
    dossier = serializers.CharField(source="dossier.code", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    number_display = serializers.CharField(read_only=True)
    applicant_name = serializers.CharField(source="dossier.applicant_name", read_only=True)
    procedure_name = serializers.CharField(source="dossier.procedure.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    drafted_by = serializers.SerializerMethodField()
    sent_via = serializers.ChoiceField(choices=ApologyLetter.SentVia.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ApologyLetter
        fields = [
            "id", "dossier", "agency", "year", "number", "number_display", "delay_number", "exceeds_limit",
            "applicant_name", "procedure_name", "reason", "original_due_at", "new_due_at", "status",
            "status_display", "drafted_by", "drafted_at", "signer_name", "signer_title", "issued_at",
            "sent_via", "cancelled_reason", "cancelled_at",
        ]
        read_only_fields = fields

    def get_drafted_by(self, letter) -> str:
        return letter.drafted_by.get_username() if letter.drafted_by else "hệ thống"


class DraftSerializer(serializers.Serializer):
    dossier = serializers.CharField(help_text="Mã hồ sơ")
    reason = serializers.CharField(max_length=2000)
    new_due_at = dates.ApiDateTimeField(required=False, allow_null=True, default=None)


class UpdateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False)
    new_due_at = dates.ApiDateTimeField(required=False)


class IssueSerializer(UpdateSerializer):
    sent_via = serializers.ChoiceField(choices=ApologyLetter.SentVia.choices)
    signer_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    signer_title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class LetterPermission(permissions.BasePermission):
    """Every endpoint needs `view_apologyletter`, drafting `add`; the rest is checked on the letter.

    The object check runs after the agency-scoped lookup, so another agency's letter is a 404
    for every role, as dossiers are.
    """

    REQUIRED = {"retrieve": "view", "partial_update": "change", "issue": "issue", "cancel": "change"}

    def has_permission(self, request, view):
        user = request.user
        if not (user.is_authenticated and user.has_perm("apology_letters.view_apologyletter")):
            return False
        if view.action == "create":
            return user.has_perm("apology_letters.add_apologyletter")
        return True

    def has_object_permission(self, request, view, obj):
        required = self.REQUIRED.get(view.action, "change")
        return request.user.has_perm(f"apology_letters.{required}_apologyletter")


class ApologyLetterViewSet(
    FilterListsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApologyLetterSerializer
    filterset_class = ApologyLetterFilterSet
    permission_classes = [LetterPermission]
    ordering_fields = ["drafted_at", "number", "original_due_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = ApologyLetter.objects.select_related("agency", "dossier__procedure", "drafted_by")
        return scope_to_user(queryset, self.request.user)

    def _respond(self, letter, code=status.HTTP_200_OK):
        letter = self.get_queryset().get(pk=letter.pk)
        return Response(ApologyLetterSerializer(letter).data, status=code)

    @extend_schema(request=DraftSerializer, responses={201: ApologyLetterSerializer})
    def create(self, request):
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        dossier = scope_to_user(Dossier.objects.all(), request.user).filter(code=params.pop("dossier")).first()
        if dossier is None:
            raise serializers.ValidationError({"dossier": "Không có hồ sơ này trong cơ quan của bạn."})
        letter = services.letter_draft(dossier=dossier, actor=request.user, **params)
        return self._respond(letter, status.HTTP_201_CREATED)

    @extend_schema(request=UpdateSerializer, responses=ApologyLetterSerializer)
    def partial_update(self, request, pk=None):
        letter = self.get_object()  # 404 for another agency, then 403 without the permission
        data = UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        letter = services.letter_update(letter=letter, actor=request.user, **data.validated_data)
        return self._respond(letter)

    @extend_schema(request=IssueSerializer, responses=ApologyLetterSerializer, summary="Ký ban hành phiếu")
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        letter = self.get_object()
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        letter = services.letter_issue(letter=letter, actor=request.user, **data.validated_data)
        return self._respond(letter)

    @extend_schema(request=CancelSerializer, responses=ApologyLetterSerializer, summary="Hủy phiếu dự thảo")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        letter = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        letter = services.letter_cancel(letter=letter, actor=request.user, **data.validated_data)
        return self._respond(letter)
