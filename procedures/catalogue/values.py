"""Parsing one row of the catalogue: cell values to model values, with row/column errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from config.text import fold
from procedures.catalogue.layout import CATALOGUE_COLUMNS, HEADERS, ROW_KEY, RowError
from procedures.models import Procedure
from procedures.timeunits import ProcessingUnit


class _BadValue(ValueError):
    pass


_REQUIRED = object()


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(_is_empty(item) for item in value)
    return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _code(value: Any) -> str:
    return _text(value).upper()


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _BadValue(_("phải là số nguyên (nhận được '%s').") % value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(float(text))
    raise _BadValue(_("phải là số nguyên (nhận được '%s').") % text)


_UNITS = {fold(unit.value): unit.value for unit in ProcessingUnit} | {
    fold(unit.label): unit.value for unit in ProcessingUnit
}


def _unit(value: Any) -> str:
    try:
        return _UNITS[fold(value)]
    except KeyError:
        raise _BadValue(
            _("không nhận ra đơn vị '%s'; dùng working_days, working_hours, calendar_days "
              "hoặc 'ngày làm việc', 'giờ làm việc', 'ngày'.") % _text(value)
        ) from None


_ONLINE_WORDS = {
    "toan trinh": 4, "truc tuyen toan trinh": 4, "mot phan": 3, "truc tuyen mot phan": 3,
}


def _online_level(value: Any) -> int:
    folded = fold(value, drop_notes=True)
    if folded in _ONLINE_WORDS:
        return _ONLINE_WORDS[folded]
    match = re.fullmatch(r"(?:muc(?: do)?\s*)?(\d+)(?: 0+)?", folded)
    level = int(match.group(1)) if match and not isinstance(value, bool) else None
    if level not in Procedure.OnlineLevel.values:
        raise _BadValue(
            _("mức độ DVC phải là 1, 2, 3, 4, 'toàn trình' (= 4) hoặc 'một phần' (= 3) "
              "(nhận được '%s').") % _text(value)
        )
    return level


_POLICIES = {
    "restart": "restart", "tinh lai": "restart", "tinh lai tu dau": "restart",
    "pause": "pause", "tam dung": "pause",
}


def _policy(value: Any) -> str:
    try:
        return _POLICIES[fold(value)]
    except KeyError:
        raise _BadValue(
            _("dùng 'restart' (tính lại từ đầu) hoặc 'pause' (tạm dừng) (nhận được '%s').")
            % _text(value)
        ) from None


_TRUE = {"co", "x", "1", "true", "yes", "y", "dung"}
_FALSE = {"khong", "0", "false", "no", "n", "sai"}


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = fold(_text(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise _BadValue(_("dùng 'có' hoặc 'không' (nhận được '%s').") % _text(value))


def _documents(value: Any) -> str:
    """One document per line; a JSON list gives one document per item."""
    items = value if isinstance(value, list | tuple) else [value]
    lines = [line.strip() for item in items for line in _text(item).split("\n")]
    return "\n".join(line for line in lines if line)


# key -> (parser, value of an empty cell); _REQUIRED means an empty cell is an error.
_COLUMN_RULES: dict[str, tuple[Callable[[Any], Any], Any]] = {
    "agency": (_code, _REQUIRED),
    "field_code": (_code, _REQUIRED),
    "field_name": (_text, _REQUIRED),
    "code": (_text, _REQUIRED),
    "name": (_text, _REQUIRED),
    "processing_amount": (_integer, _REQUIRED),
    "processing_unit": (_unit, _REQUIRED),
    "online_level": (_online_level, _REQUIRED),
    "supplement_policy": (_policy, Procedure.SupplementPolicy.RESTART.value),
    "apology_extension_days": (_integer, 5),
    "fee": (_text, ""),
    "required_documents": (_documents, ""),
    "legal_basis": (_text, ""),
    "is_active": (_boolean, True),
    "needs_verification": (_boolean, False),
    "verification_note": (_text, ""),
}
_COMPARE_AS = {"code": _text, "name": _text, "fee": _text, "legal_basis": _text,
               "verification_note": _text, "required_documents": _documents}


def _parse_row(row_no: int, row: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
    """The row's values in model form; a key absent from `row` stays absent (keep stored value)."""
    values: dict[str, Any] = {}
    errors = [
        RowError(row_no, str(key), _("không nhận ra cột này."))
        for key in row
        if key not in HEADERS and key != ROW_KEY
    ]
    for key, header in CATALOGUE_COLUMNS:
        parse, empty_value = _COLUMN_RULES[key]
        if key not in row and empty_value is not _REQUIRED:
            continue
        raw = row.get(key)
        if _is_empty(raw):
            if empty_value is _REQUIRED:
                errors.append(RowError(row_no, header, _("bắt buộc, không được để trống.")))
            else:
                values[key] = empty_value
            continue
        try:
            values[key] = parse(raw)
        except _BadValue as exc:
            errors.append(RowError(row_no, header, str(exc)))
    return values, errors


def _validation_errors(
    row_no: int, exc: ValidationError, columns: dict[str, str]
) -> list[RowError]:
    errors = []
    for name, messages in exc.message_dict.items():
        key = columns.get(name, name)
        column = HEADERS.get(key, "") if name != NON_FIELD_ERRORS else ""
        errors.extend(RowError(row_no, column, message) for message in messages)
    return errors
