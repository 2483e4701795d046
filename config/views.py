"""Site-wide views that belong to no app: liveness and readiness for the load balancer."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

logger = logging.getLogger(__name__)


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


def _database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_ok() -> bool:
    key, value = f"ready:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return found == value


CHECKS = {"database": _database_ok, "cache": _cache_ok}
# One choice set for every check, named once in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
CHECK_RESULTS = [("ok", "ok"), ("error", "error")]

_READY = inline_serializer(
    "Ready",
    {
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "checks": inline_serializer(
            "ReadyChecks", {name: serializers.ChoiceField(choices=CHECK_RESULTS) for name in CHECKS}
        ),
    },
)


@extend_schema(
    responses={
        200: OpenApiResponse(_READY, description="Cơ sở dữ liệu và bộ nhớ đệm đều hoạt động."),
        503: OpenApiResponse(_READY, description="Một trong hai không hoạt động: `checks` cho biết cái nào."),
    },
    summary="Kiểm tra sẵn sàng: cơ sở dữ liệu và bộ nhớ đệm (cho bộ cân bằng tải)",
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def ready(request):
    """200 when the database answers SELECT 1 and the cache keeps a value; else 503 naming which
    failed. The reason is logged, never sent: the endpoint is public."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = "ok" if check() else "error"
        except Exception:  # any driver's error means "not ready"; the traceback goes to the log
            logger.exception("Readiness check %s failed", name)
            checks[name] = "error"
    ready = all(result == "ok" for result in checks.values())
    return Response({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
