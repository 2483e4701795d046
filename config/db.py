"""Telling a lost lock race apart from a real database error."""

from __future__ import annotations

from django.db import OperationalError

# PostgreSQL's SQLSTATEs for "try the transaction again": deadlock_detected, serialization_failure.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
# The API's exception handler (config/exceptions.py) answers the same words with its 409.
LOCK_CONFLICT_MESSAGE = "Dữ liệu đang được thao tác cùng lúc ở nơi khác; vui lòng thử lại."


def is_lock_conflict(exc: BaseException) -> bool:
    """True for a transaction the database aborted to break a deadlock or a serialization race."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES or "database is locked" in str(exc)
