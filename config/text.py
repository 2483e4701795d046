"""Text matching shared by the spreadsheet imports (catalogue and tracking book)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def fold(value: Any, *, drop_notes: bool = False) -> str:
    """Lower-case ASCII words, for matching what people type: 'Ngày làm việc' -> 'ngay lam viec'.

    With `drop_notes`, parenthesised notes are left out: 'Ngày nhận (dd/mm/yyyy)' -> 'ngay nhan'.
    """
    text = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    if drop_notes:
        text = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()
