"""Response headers every answer carries, whichever app or middleware produced it."""

from __future__ import annotations

# Features no page of the app uses: denied to the pages and to anything they embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
        "microphone", "midi", "payment", "usb", "interest-cohort",
    )
)
PRIVATE = "private, no-store"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on every response
    to a signed-in user (session or API token), so no browser or proxy keeps personal data.

    Listed right after SecurityMiddleware, so that redirects and refusals of later middleware get
    the headers too. The user is read when the response leaves: DRF puts a token's user on the
    underlying request by then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "authorization" in request.headers:
            response.headers["Cache-Control"] = PRIVATE
        return response
