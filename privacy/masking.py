"""How an ID number looks where the full number is not needed (lists, dashboard, API list)."""

from __future__ import annotations

KEEP_FIRST = 4  # the province and birth-century digits of a CCCD
KEEP_LAST = 2


def mask_id_number(value: str | None) -> str:
    """`079203004534` -> `0792******34`; a value too short to keep anything is all stars."""
    if not value:
        return ""
    if len(value) <= KEEP_FIRST + KEEP_LAST:
        return "*" * len(value)
    return value[:KEEP_FIRST] + "*" * (len(value) - KEEP_FIRST - KEEP_LAST) + value[-KEEP_LAST:]
