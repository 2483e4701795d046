"""Site-wide views that belong to no app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


@extend_schema(
    responses=inline_serializer("Health", {"status": serializers.CharField()}),
    summary="Kiểm tra hoạt động (cho bộ cân bằng tải)",
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    """The process answers: no database, no cache, no session, so a load balancer can poll it."""
    return Response({"status": "ok"})
