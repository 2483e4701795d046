"""System checks for the feedback settings, so a typo in a dict setting fails at start-up."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_feedback_settings(app_configs, **kwargs) -> list[Error]:
    from feedback.models import FeedbackItem

    errors: list[Error] = []
    targets = getattr(settings, "SATISFACTION_TARGET", {})
    if not isinstance(targets, dict) or not targets:
        errors.append(Error("SATISFACTION_TARGET must be a non-empty dict {year: share}.", id="feedback.E001"))
    else:
        for year, share in targets.items():
            if not isinstance(year, int) or not (0 < float(share) <= 1):
                errors.append(
                    Error(f"SATISFACTION_TARGET[{year!r}]={share!r}: use an int year and a share in (0, 1].",
                          id="feedback.E001")
                )
    categories = set(FeedbackItem.Category.values)
    for key, days in getattr(settings, "FEEDBACK_RESPONSE_WORKING_DAYS_BY_CATEGORY", {}).items():
        if key not in categories or not isinstance(days, int) or days < 1:
            errors.append(
                Error(
                    f"FEEDBACK_RESPONSE_WORKING_DAYS_BY_CATEGORY[{key!r}]={days!r}: "
                    f"the key must be one of {sorted(categories)} and the value a positive integer.",
                    id="feedback.E002",
                )
            )
    return errors
