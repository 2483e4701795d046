"""One place that maps Django's exceptions to DRF responses, so services can raise plain ones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if key == "__all__" else key): value
                for key, value in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Không tìm thấy.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Bạn không có quyền thực hiện thao tác này.")
    elif isinstance(exc, ConflictError):
        response = Response({"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
        return response
    return exception_handler(exc, context)


class ConflictError(Exception):
    """The action is not allowed in the object's current state (HTTP 409)."""
