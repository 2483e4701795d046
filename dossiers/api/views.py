"""Dossier API: list, detail, intake and one POST per lifecycle action."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import scope_to_user
from dossiers import services
from dossiers.api import serializers
from dossiers.api.filtersets import DossierFilterSet
from dossiers.models import Dossier
from procedures.models import Procedure


class DossierPermission(permissions.BasePermission):
    """Reading needs a login; intake needs `add_dossier`, lifecycle actions `change_dossier`."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "create":
            return request.user.has_perm("dossiers.add_dossier")
        return request.user.has_perm("dossiers.change_dossier")


# action url_path -> (input serializer, service, how validated data maps to service kwargs)
ACTIONS = {
    "request-supplement": (serializers.RequestSupplementSerializer, services.dossier_request_supplement),
    "receive-supplement": (serializers.NoteSerializer, services.dossier_receive_supplement),
    "suspend": (serializers.ReasonSerializer, services.dossier_suspend),
    "resume": (serializers.NoteSerializer, services.dossier_resume),
    "transfer": (serializers.TransferSerializer, services.dossier_transfer),
    "finish": (serializers.FinishSerializer, services.dossier_finish),
    "return": (serializers.NoteSerializer, services.dossier_return),
    "refuse": (serializers.ReasonSerializer, services.dossier_refuse),
    "withdraw": (serializers.OptionalReasonSerializer, services.dossier_withdraw),
}


def _resolve_procedure(user, code: str, agency_code: str | None) -> Procedure:
    candidates = scope_to_user(Procedure.objects.select_related("agency", "field"), user).filter(code=code)
    if agency_code:
        candidates = candidates.filter(agency__code=agency_code)
    found = list(candidates[:2])
    if not found:
        raise ValidationError({"procedure": f"Không có thủ tục mã {code!r} trong cơ quan của bạn."})
    if len(found) > 1:
        raise ValidationError({"agency": "Mã thủ tục có ở nhiều cơ quan; hãy ghi rõ mã cơ quan."})
    return found[0]


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    filterset_class = DossierFilterSet
    ordering_fields = ["received_at", "due_at", "code"]
    permission_classes = [DossierPermission]

    def get_queryset(self):
        queryset = Dossier.objects.select_related("agency", "procedure", "field", "received_by")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor")
        return scope_to_user(queryset, self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DossierDetailSerializer
        if self.action == "create":
            return serializers.DossierCreateSerializer
        return serializers.DossierSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        raw = self.request.query_params.get("at")
        if raw:
            field = drf_serializers.DateTimeField()
            try:
                context["at"] = field.to_internal_value(raw.replace(" ", "+"))
            except drf_serializers.ValidationError as exc:
                raise drf_serializers.ValidationError({"at": exc.detail}) from None
        return context

    @extend_schema(
        parameters=[OpenApiParameter("at", str, description="Phân loại tại thời điểm (ISO 8601), mặc định: bây giờ")]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=serializers.DossierCreateSerializer, responses={201: serializers.DossierDetailSerializer})
    def create(self, request):
        data = serializers.DossierCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        procedure = _resolve_procedure(request.user, params.pop("procedure"), params.pop("agency", None))
        dossier = services.dossier_receive(procedure=procedure, actor=request.user, **params)
        dossier = self.get_queryset().prefetch_related("events__actor").get(pk=dossier.pk)
        body = serializers.DossierDetailSerializer(dossier, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _run_action(self, request, name: str):
        input_class, service = ACTIONS[name]
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = self.get_object()
        service(dossier=dossier, actor=request.user, **data.validated_data)
        dossier = self.get_queryset().prefetch_related("events__actor").get(pk=dossier.pk)
        return Response(serializers.DossierDetailSerializer(dossier, context=self.get_serializer_context()).data)


def _make_action(name: str):
    input_class, service = ACTIONS[name]

    @extend_schema(request=input_class, responses=serializers.DossierDetailSerializer, summary=(service.__doc__ or name).splitlines()[0])
    def handler(self, request, code=None):
        return self._run_action(request, name)

    handler.__name__ = name.replace("-", "_")
    return action(detail=True, methods=["post"], url_path=name)(handler)


for _name in ACTIONS:
    setattr(DossierViewSet, _name.replace("-", "_"), _make_action(_name))
