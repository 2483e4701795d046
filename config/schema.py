"""The OpenAPI schema: its views, and post-processing that says what the API really sends where the
generated schema is too strict."""

from __future__ import annotations

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
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
