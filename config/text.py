"""Text rules shared across the project: control characters, and matching for the spreadsheet imports.

Control characters (U+0000–U+001F and U+007F, except tab, line feed and carriage return) have
no place in administrative text: PostgreSQL refuses NUL, and Word, Excel and XML refuse the
rest, so one stored character broke a letter's .docx, the exports and the XML backup. New text
is refused (`validate_no_control_characters`, on every model text field and in the API's
parsers); what is already stored is cleaned on the way out (`strip_control_characters`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_message(char: str) -> str:
    return f"Có ký tự điều khiển không hợp lệ (U+{ord(char):04X}); hãy xóa ký tự đó."


def find_control_character(value: Any) -> str | None:
    """The first control character in a string, or in any key or string nested in lists and dicts."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = CONTROL_CHARACTERS.search(item)
            if found:
                return found.group()
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


@deconstructible(path="config.text.NoControlCharacters")
class NoControlCharacters:
    """Validator for text (and JSON holding text): no control characters other than tab and line breaks."""

    code = "control_characters"

    def __call__(self, value: Any) -> None:
        found = find_control_character(value)
        if found is not None:
            raise ValidationError(control_character_message(found), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(self.code)


validate_no_control_characters = NoControlCharacters()


def strip_control_characters(value: str) -> str:
    """The text without its control characters: for writing what is already stored to Word, Excel or XML."""
    return CONTROL_CHARACTERS.sub("", value)


def fold(value: Any, *, drop_notes: bool = False) -> str:
    """Lower-case ASCII words, for matching what people type: 'Ngày làm việc' -> 'ngay lam viec'.

    With `drop_notes`, parenthesised notes are left out: 'Ngày nhận (dd/mm/yyyy)' -> 'ngay nhan'.
    """
    text = unicodedata.normalize("NFD", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    if drop_notes:
        text = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# For a model text field: `models.CharField("tên", validators=CLEAN_TEXT, ...)`.
CLEAN_TEXT = [validate_no_control_characters]
