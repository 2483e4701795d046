"""Deployment checks for the audit trail (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
