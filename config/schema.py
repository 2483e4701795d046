"""The OpenAPI schema: its views, and post-processing that says what the API really sends where the
generated schema is too strict."""

from __future__ import annotations

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.renderers import JSONRenderer

TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def relax_formats(result, generator, request, public):
    """`format: time` demands an offset (RFC 3339) that office hours have not; `format: email`
    is also given to blank model fields, which the API returns as "". Both become what is sent."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                del node["format"]
                node["pattern"] = TIME_PATTERN
            elif node.get("type") == "string" and node.get("format") == "email":
                del node["format"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result.get("components", {}))
    walk(result.get("paths", {}))
    return result


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ERROR_DETAIL = {
    "type": "object",
    "description": "Lỗi: `detail` là lời nhắn tiếng Việt; `code` (nếu có) là mã lỗi cho máy đọc.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERRORS = {
    "type": "object",
    "description": (
        "Dữ liệu không hợp lệ: `{trường: [lời nhắn, …]}` (lồng nhau với trường danh sách), "
        "`non_field_errors` cho lỗi chung, hoặc `{detail}` (JSON sai, tên máy chủ sai)."
    ),
    "additionalProperties": {},
}


class AutoSchema(SpectacularAutoSchema):
    """Documents the error statuses every operation can answer, beside its success (issue 12:
    schemathesis found 123 undocumented ones). An explicit `extend_schema(responses=…)` wins.

    - 400: any request (a bad Host header, a malformed query or body, a value out of range);
    - 401: only where the first authenticator asks for credentials (DRF answers 403 otherwise);
    - 403: any request (not signed in, no permission, a bad CSRF token);
    - 404: everything but a create (an object or page that does not exist or belongs to
      another agency, an `?agency=` of another agency);
    - 409: writes (the object's state forbids it, or other rows still use it);
    - 413 and 415: operations with a body (too large, not JSON or a form);
    - 414: any request (the web server refuses an over-long URL, in HTML);
    - 429: views with throttles.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        detail = self._error_component("ErrorDetail", ERROR_DETAIL)
        invalid = self._error_component("ValidationErrors", VALIDATION_ERRORS)
        errors = {"400": ("Yêu cầu không hợp lệ.", invalid), "403": ("Không có quyền (hoặc chưa đăng nhập).", detail)}
        if self._asks_for_credentials():
            errors["401"] = ("Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ.", detail)
        if not self._is_create_operation():
            errors["404"] = ("Không tìm thấy (hoặc thuộc cơ quan khác).", detail)
        if self.method in WRITE_METHODS:
            errors["409"] = ("Trạng thái hiện tại không cho phép, hoặc dữ liệu khác còn dùng bản ghi.", detail)
        if "requestBody" in operation:
            errors["413"] = ("Dữ liệu gửi lên quá lớn.", detail)
            errors["415"] = ("Kiểu dữ liệu gửi lên không được hỗ trợ.", detail)
        if self.view.get_throttles():
            errors["429"] = ("Quá nhiều yêu cầu; thử lại sau.", detail)
        for code, (description, component) in errors.items():
            content = {"application/json": {"schema": component.ref}}
            responses.setdefault(code, {"content": content, "description": description})
        responses.setdefault("414", {"content": {"text/html": {}}, "description": "Địa chỉ (URL) quá dài."})
        return dict(operation, responses=dict(sorted(responses.items())))

    def _asks_for_credentials(self) -> bool:
        authenticators = self.view.get_authenticators()
        return bool(authenticators) and authenticators[0].authenticate_header(self.view.request) is not None

    def _error_component(self, name: str, schema: dict) -> ResolvedComponent:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component


# drf_spectacular.views reads DEFAULT_SCHEMA_CLASS (this module's AutoSchema) when it is imported:
# only after AutoSchema is defined.
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView  # noqa: E402


class JsonErrors:
    """The schema and its documentation pages answer errors (403 without a login) in the API's JSON
    shape, not in YAML or an HTML page."""

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class SchemaView(JsonErrors, SpectacularAPIView):
    pass


# The documentation pages are the only ones that loosen the Content-Security-Policy, and only for
# what their bundled viewers do at run time; neither runs an inline script (see docs/deployment.md).
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class SwaggerView(JsonErrors, SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served by this view (`?script`), not inline; its
    stylesheet draws icons as data: images."""

    template_name = "api_docs/swagger_ui.html"


@method_decorator(
    csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["blob:"]}), name="dispatch"
)
class RedocView(JsonErrors, SpectacularRedocView):
    """Redoc, started from its `<redoc spec-url>` element. Its bundle writes its styles into
    <style> elements (styled-components), draws icons as data: images and searches in a blob:
    worker, which CSP has to allow; scripts stay 'self' only. Its "powered by" logo from
    cdn.redoc.ly stays refused (the bundle then leaves it out): the page loads nothing from
    another origin."""

    template_name = "api_docs/redoc.html"
