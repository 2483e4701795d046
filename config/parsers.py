"""API parsers: a JSON body-size limit, a nesting limit, and no control characters in any submitted text.

DRF reads the request stream itself, so Django's own body-size check never runs for JSON.
Control characters (other than tab and line breaks) have no place in administrative text and
break the Excel exports (openpyxl refuses them), so they are refused at the door.
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from config.text import find_control_character


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"Dữ liệu gửi lên quá lớn (tối đa {limit // 1024} KB).")


class ControlCharacters(ParseError):
    default_code = "control_characters"


class TooDeep(ParseError):
    default_code = "too_deep"
    default_detail = "Dữ liệu JSON lồng nhau quá sâu; hãy gửi dữ liệu phẳng hơn."


def refuse_control_characters(data) -> None:
    """Raise if any key or string value anywhere in `data` holds a control character (config.text's rule)."""
    if hasattr(data, "lists"):  # QueryDict
        data = dict(data.lists())
    found = find_control_character(data)
    if found is not None:
        raise ControlCharacters(
            f"Dữ liệu chứa ký tự điều khiển không hợp lệ (U+{ord(found):04X}); hãy xóa ký tự đó."
        )


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            request = (parser_context or {}).get("request")
            declared = request.META.get("CONTENT_LENGTH") if request is not None else None
            if declared and declared.isdigit() and int(declared) > limit:
                raise PayloadTooLarge()
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise PayloadTooLarge()
            stream = io.BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # json's decoder recurses once per level; thousands of "[" exhaust it
            raise TooDeep() from None
        refuse_control_characters(data)
        return data


class CleanFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_control_characters(data)
        return data


class CleanMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_control_characters(result.data)
        return result
