"""Reading the value of one cell: text, dates and times, phone numbers and channels.

Besides the parsers (`parse_moment`, `normalise_phone`, `parse_channel`, which raise `_BadValue`
for a cell that cannot be read), this holds the small helpers the other modules share: telling
an empty cell, and the `DateCell` and `Moment` value types. Text is folded for matching with
`config.text.fold`, which the catalogue import uses too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from config.dates import LAST_YEAR
from config.text import fold
from dossiers.importing.errors import _BadValue
from dossiers.importing.layout import _TEXT_DATE_FORMATS, MIN_YEAR
from dossiers.models import Channel, phone_validator
from procedures.calendar import VN_TZ


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class DateCell:
    """An Excel date cell whose number format shows no time of day."""

    date: dt.date


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, DateCell):
        return f"{value.date:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


@dataclass(frozen=True)
class Moment:
    """A cell read as a local date, with the time of day when the cell gives one."""

    date: dt.date
    time: dt.time | None

    def at(self, default: dt.time) -> dt.datetime:
        return dt.datetime.combine(self.date, self.time or default, tzinfo=VN_TZ)

    def show(self) -> str:
        return f"{self.date:%d/%m/%Y}" + (f" {self.time:%H:%M}" if self.time else "")


def parse_moment(value: Any) -> Moment | None:
    """An Excel date/datetime cell, or text 'dd/mm/yyyy HH:MM' or 'dd/mm/yyyy'; None if empty."""
    if _is_empty(value):
        return None
    if isinstance(value, DateCell):
        moment = Moment(value.date, None)
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VN_TZ).replace(tzinfo=None)
        # Excel stores times as fractions of a day: round away the floating-point noise.
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        moment = Moment(value.date(), value.time())
    elif isinstance(value, dt.date):
        moment = Moment(value, None)
    elif isinstance(value, str):
        moment = _parse_text_moment(value)
    else:
        raise _BadValue(
            f"'{_text(value)}' không phải ngày; nhập ô kiểu ngày của Excel hoặc chữ dạng "
            "dd/mm/yyyy HH:MM hay dd/mm/yyyy."
        )
    if not MIN_YEAR <= moment.date.year <= LAST_YEAR:
        raise _BadValue(
            f"năm {moment.date.year} không hợp lệ (ngày {moment.show()}): năm phải trong khoảng {MIN_YEAR}–{LAST_YEAR}."
        )
    return moment


def _parse_text_moment(value: str) -> Moment:
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()
    for pattern in _TEXT_DATE_FORMATS:
        try:
            # The parsed value is a local wall-clock time; the zone is attached by `Moment.at`.
            parsed = dt.datetime.strptime(text, pattern)  # noqa: DTZ007
        except ValueError:
            continue
        return Moment(parsed.date(), parsed.time())
    try:
        return Moment(dt.datetime.strptime(text, "%d/%m/%Y").date(), None)  # noqa: DTZ007
    except ValueError:
        pass
    raise _BadValue(f"'{text}' không phải ngày hợp lệ; dùng dạng dd/mm/yyyy HH:MM hoặc dd/mm/yyyy.")


def normalise_phone(value: Any) -> str:
    """A Vietnamese phone number as digits with a leading 0; spaces, dots and dashes dropped.

    A number cell has lost its leading 0 (912345678 -> 0912345678); +84 / 84 becomes 0.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        if len(digits) in (9, 10) and not digits.startswith("84"):
            digits = "0" + digits
    else:
        digits = re.sub(r"[\s.\-()/]", "", _text(value))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    try:
        phone_validator(digits)
    except ValidationError:
        raise _BadValue(f"'{_text(value)}' không phải số điện thoại Việt Nam hợp lệ (ví dụ 0912 345 678).") from None
    return digits


_CHANNELS = (
    {fold(choice.value): choice.value for choice in Channel}
    | {fold(choice.label): choice.value for choice in Channel}
    | {fold("Dịch vụ bưu chính"): Channel.POST.value, fold("Qua bưu chính"): Channel.POST.value}
)


def parse_channel(value: Any) -> str:
    try:
        return _CHANNELS[fold(_text(value))]
    except KeyError:
        raise _BadValue(
            f"không nhận ra kênh '{_text(value)}'; dùng counter/post/online hoặc Trực tiếp/Bưu chính/Trực tuyến."
        ) from None
