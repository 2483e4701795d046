"""Refuse a NUL character anywhere in a request's text, once, before any view runs.

PostgreSQL cannot store or even compare NUL in text: a `%00` in a dossier code, or in
`?agency=`, reached the database and came back as a 500 on every URL that looked it up. No
administrative text ever holds NUL, so the request is answered 400 at the edge instead of
teaching every path converter, filter and form about it.

What is read: the decoded path, the query string (raw and decoded), and the body when it is
text that Django keeps in memory anyway (url-encoded forms, JSON) and within
DATA_UPLOAD_MAX_MEMORY_SIZE. Multipart bodies are left to their parsers, which must stream file
uploads: their text fields go through the forms' and serializers' own NUL and control-character
validators (config.text), and a file may legitimately hold NUL bytes.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "Địa chỉ hoặc dữ liệu gửi lên chứa ký tự NUL (%00), không được chấp nhận; hãy xóa ký tự đó rồi thử lại."
# A JSON `\u0000` escape: a `\u` that is not itself an escaped backslash (an odd run of them).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_TEXT_BODIES = ("application/x-www-form-urlencoded", "application/json")


def has_nul(request) -> bool:
    """Whether the path, the query or an in-memory text body carries a NUL, raw or %-encoded."""
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in query or "%00" in query:
        return True
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
        return True
    return _body_has_nul(request)


def _body_has_nul(request) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in _TEXT_BODIES:
        return False
    declared = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if not declared.isdigit() or int(declared) == 0 or (limit is not None and int(declared) > limit):
        return False  # empty, or too large: the body-size checks downstream answer it
    body = request.body  # cached on the request, so the view and DRF read it again
    if b"\x00" in body:
        return True
    if content_type == "application/json":
        return _JSON_NUL.search(body) is not None
    return b"%00" in body


class RefuseNulMiddleware:
    """400 for a request with NUL in its path, query or text body (JSON under /api/, a page elsewhere)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE, "code": "nul_character"}, status=400)
            return render(request, "400.html", {"reason": MESSAGE}, status=400)
        return self.get_response(request)
