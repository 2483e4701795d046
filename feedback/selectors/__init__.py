"""Every read of the feedback app. The dashboard functions return plain dicts:

- `satisfaction_summary(user=, date_from=, date_to=)`: satisfaction and response rates beside
  the target, and the lowest-rated criterion;
- `overdue_feedback(user=)`: open feedback items past their deadline;
- `feedback_report(user=, date_from=, date_to=)`: received / answered on time / late / open / overdue.

Each also takes `agency_code=`; a code the user may not see raises DRF NotFound (a 404), never
an empty answer (`accounts.scoping`).
"""

from feedback.selectors.items import feedback_items, feedback_report, find_for_public, overdue_feedback
from feedback.selectors.satisfaction import (
    GROUPINGS,
    dossier_for_public_rating,
    rating_of,
    satisfaction_report,
    satisfaction_summary,
    satisfaction_target,
)

__all__ = [
    "GROUPINGS",
    "dossier_for_public_rating",
    "feedback_items",
    "feedback_report",
    "find_for_public",
    "overdue_feedback",
    "rating_of",
    "satisfaction_report",
    "satisfaction_summary",
    "satisfaction_target",
]
