"""Every write of the feedback app: ratings, feedback items and survey plans."""

from feedback.services.items import (
    FeedbackReceipt,
    allowed_actions,
    feedback_answer,
    feedback_assign,
    feedback_close,
    feedback_receive,
    format_token,
    response_due_at,
    token_matches,
)
from feedback.services.ratings import criteria_kwargs, rating_submit
from feedback.services.surveys import survey_plan_create, survey_record_result

__all__ = [
    "FeedbackReceipt",
    "allowed_actions",
    "criteria_kwargs",
    "feedback_answer",
    "feedback_assign",
    "feedback_close",
    "feedback_receive",
    "format_token",
    "rating_submit",
    "response_due_at",
    "survey_plan_create",
    "survey_record_result",
    "token_matches",
]
