"""One place that maps exceptions to API responses, so services can raise plain Django ones.

Every error body is JSON: `{"detail": "…"}` in Vietnamese (DRF's own messages are translated in
locale/vi), or `{field: ["…"]}` for validation errors. Unknown /api/ URLs and unhandled errors
get the same shape from `api_not_found` and `api_server_error` (config/urls.py handlers).
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db.models import ProtectedError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.db import LOCK_CONFLICT_MESSAGE, is_lock_conflict
from config.parsers import ControlCharacters, PayloadTooLarge, TooDeep
from procedures.calendar import CalendarRangeError

NOT_FOUND = "Không tìm thấy."
BAD_REQUEST = "Yêu cầu không hợp lệ (dữ liệu quá lớn, sai định dạng hoặc sai tên máy chủ)."
PERMISSION_DENIED = "Bạn không có quyền thực hiện thao tác này."
SERVER_ERROR = "Lỗi máy chủ. Sự cố đã được ghi lại; vui lòng thử lại sau hoặc báo quản trị hệ thống."


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
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Bạn không có quyền thực hiện thao tác này.")
    elif isinstance(exc, ConflictError):
        response = Response({"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
        return response
    elif is_lock_conflict(exc):  # the database broke a deadlock by aborting this request's side
        return Response(
            {"detail": LOCK_CONFLICT_MESSAGE, "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": "Không xóa được: còn dữ liệu khác đang dùng bản ghi này.", "code": "protected"},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, CalendarRangeError):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, RequestDataTooBig):  # form bodies: Django's own check
        exc = PayloadTooLarge()
    elif isinstance(exc, exceptions.Throttled):
        # DRF formats the wait into its message before translating it, so no catalogue can match.
        wait = exc.wait
        exc = exceptions.Throttled(
            detail="Quá nhiều yêu cầu." + (f" Vui lòng thử lại sau {math.ceil(wait)} giây." if wait else "")
        )
        exc.wait = wait
    elif isinstance(exc, exceptions.ParseError) and not isinstance(exc, ControlCharacters | TooDeep):
        # DRF's parsers put the English decoder message in the detail.
        exc = exceptions.ParseError("Dữ liệu gửi lên không phải JSON hợp lệ.")
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        exc = exceptions.PermissionDenied("Thiếu hoặc sai mã CSRF: hãy tải lại trang rồi thử lại.")
    return exception_handler(exc, context)


class ConflictError(Exception):
    """The action is not allowed in the object's current state (HTTP 409)."""


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request, exception=None):
    """handler404: JSON under /api/, Django's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return defaults.page_not_found(request, exception)


def api_bad_request(request, exception=None):
    """handler400 (a bad Host header, an oversized form): JSON under /api/, a page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": BAD_REQUEST}, status=400)
    return defaults.bad_request(request, exception)


def api_permission_denied(request, exception=None):
    """handler403 (outside DRF: the pages' permission checks): JSON under /api/, a page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": PERMISSION_DENIED}, status=403)
    return defaults.permission_denied(request, exception)


def api_server_error(request):
    """handler500: JSON under /api/, Django's page elsewhere (the error is logged either way)."""
    if _is_api(request):
        return JsonResponse({"detail": SERVER_ERROR}, status=500)
    return defaults.server_error(request)
