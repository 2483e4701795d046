"""Deployment checks (`manage.py check --deploy`): the audit trail, and the host names served."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_history_is_on(app_configs, **kwargs) -> list[Warning]:
    """SIMPLE_HISTORY_ENABLED=false is for one `loaddata` during a restore, never for a server."""
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return []
    return [
        Warning(
            "SIMPLE_HISTORY_ENABLED is false: changes are not recorded in history.",
            hint="Set it only for the loaddata of a restore (docs/deployment.md), not in the server's environment.",
            id="accounts.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs) -> list[Error]:
    """A server answers only for its own names: `*` would let any Host header build its links."""
    if settings.DEBUG:
        return []
    hosts = [host.strip() for host in settings.ALLOWED_HOSTS]
    if "*" in hosts or not any(hosts):
        return [
            Error(
                f"ALLOWED_HOSTS is {settings.ALLOWED_HOSTS!r} with DEBUG off.",
                hint="Name the server's hosts, e.g. ALLOWED_HOSTS=motcua.binhminh.gov.vn (docs/deployment.md)",
                id="accounts.E001",
            )
        ]
    return []
