"""Dossier API: list, detail, intake and one POST per lifecycle action."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import scope_to_user
from config import dates
from config.viewsets import FilterListsOnly
from dossiers import services
from dossiers.api import serializers
from dossiers.api.filtersets import DossierFilterSet
from dossiers.models import DOSSIER_CODE_PATTERN, Dossier, DossierEvent
from dossiers.permissions import ACTION_PERMISSIONS, VIEW_PERMISSION, can_act, unit_refusal
from privacy.services import Kind as ReadKind
from privacy.services import Source, access_record
from procedures.models import Procedure

E = DossierEvent.Type
EVENTS_WITH_ACTORS = Prefetch("events", queryset=DossierEvent.objects.select_related("actor"))


class DossierPermission(permissions.BasePermission):
    """Reading needs `view_dossier`; intake `add_dossier`; each action its own permission.

    The action permission is checked on the object, after the agency-scoped lookup, so a
    dossier of another agency is a 404 for every role (dossiers/permissions.py has the map);
    then the unit: a processing action on a dossier at another unit is a 403 that names it.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user.is_authenticated and user.has_perm(VIEW_PERMISSION)):
            return False
        if view.action == "create":
            return user.has_perm(ACTION_PERMISSIONS[E.RECEIVED])
        return True

    def has_object_permission(self, request, view, obj):
        kind = ACTION_KINDS.get(view.action)
        if kind is None:
            return True
        if not can_act(request.user, kind):
            return False
        self.message = unit_refusal(request.user, kind, obj)  # DRF makes one instance per request
        return not self.message


# action url_path -> (input serializer, service, event type recorded)
ACTIONS = {
    "request-supplement": (
        serializers.RequestSupplementSerializer, services.dossier_request_supplement, E.SUPPLEMENT_REQUESTED
    ),
    "receive-supplement": (serializers.NoteSerializer, services.dossier_receive_supplement, E.SUPPLEMENT_RECEIVED),
    "suspend": (serializers.ReasonSerializer, services.dossier_suspend, E.SUSPENDED),
    "resume": (serializers.NoteSerializer, services.dossier_resume, E.RESUMED),
    "transfer": (serializers.TransferSerializer, services.dossier_transfer, E.TRANSFERRED),
    "finish": (serializers.FinishSerializer, services.dossier_finish, E.RESULT_READY),
    "return": (serializers.NoteSerializer, services.dossier_return, E.RETURNED),
    "refuse": (serializers.ReasonSerializer, services.dossier_refuse, E.REFUSED),
    "withdraw": (serializers.OptionalReasonSerializer, services.dossier_withdraw, E.WITHDRAWN),
}
# viewset action name (the handler's name) -> event type, for the object permission
ACTION_KINDS = {name.replace("-", "_"): kind for name, (_, _, kind) in ACTIONS.items()}


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


class DossierViewSet(FilterListsOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = DOSSIER_CODE_PATTERN  # codes may hold dots (DRF's default refuses them)
    filterset_class = DossierFilterSet
    ordering_fields = ["received_at", "due_at", "code"]
    permission_classes = [DossierPermission]

    def get_queryset(self):
        queryset = Dossier.objects.select_related("agency", "procedure", "field", "received_by")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(EVENTS_WITH_ACTORS)
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
            field = dates.ApiDateTimeField()
            try:
                context["at"] = field.run_validation(raw.replace(" ", "+"))
            except drf_serializers.ValidationError as exc:
                raise drf_serializers.ValidationError({"at": exc.detail}) from None
        return context

    @extend_schema(
        parameters=[OpenApiParameter("at", str, description="Phân loại tại thời điểm (ISO 8601), mặc định: bây giờ")]
    )
    def retrieve(self, request, *args, **kwargs):
        dossier = self.get_object()
        access_record(request=request, kind=ReadKind.API_DETAIL, dossier=dossier, source=Source.API)
        return Response(self.get_serializer(dossier).data)

    @extend_schema(request=serializers.DossierCreateSerializer, responses={201: serializers.DossierDetailSerializer})
    def create(self, request):
        data = serializers.DossierCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        procedure = _resolve_procedure(request.user, params.pop("procedure"), params.pop("agency", None))
        dossier = services.dossier_receive(procedure=procedure, actor=request.user, **params)
        # The new dossier holds its agency, procedure, field and officer already: read back
        # only its event.
        prefetch_related_objects([dossier], EVENTS_WITH_ACTORS)
        body = serializers.DossierDetailSerializer(dossier, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _run_action(self, request, name: str):
        input_class, service, _ = ACTIONS[name]
        dossier = self.get_object()  # 404 for another agency, then 403 without the permission
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(dossier=dossier, actor=request.user, **data.validated_data)
        dossier = self.get_queryset().prefetch_related(EVENTS_WITH_ACTORS).get(pk=dossier.pk)
        access_record(request=request, kind=ReadKind.API_DETAIL, dossier=dossier, source=Source.API)
        return Response(serializers.DossierDetailSerializer(dossier, context=self.get_serializer_context()).data)


def _make_action(name: str):
    input_class, service, _ = ACTIONS[name]

    @extend_schema(
        request=input_class,
        responses=serializers.DossierDetailSerializer,
        summary=(service.__doc__ or name).splitlines()[0],
    )
    def handler(self, request, code=None):
        return self._run_action(request, name)

    handler.__name__ = name.replace("-", "_")
    return action(detail=True, methods=["post"], url_path=name)(handler)


for _name in ACTIONS:
    setattr(DossierViewSet, _name.replace("-", "_"), _make_action(_name))
