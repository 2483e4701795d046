"""Every date and instant a person or a file gives is bounded by the calendar's SUPPORTED_YEARS.

A year outside them cannot be counted in working time (the calendar refuses it), overflows
Python's datetime once shifted to another zone, or is refused by PostgreSQL (offsets beyond
±15:59). One validator, `validate_supported`, and the fields built on it are used by the pages'
forms, the API's serializers and filters, the admin (through the models) and the imports, so the
same input gets the same Vietnamese message everywhere: 400 in the API, an error next to the
field in a form.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField as FilterIsoDateTimeField
from rest_framework import serializers

from procedures.calendar import SUPPORTED_YEARS

FIRST_YEAR, LAST_YEAR = SUPPORTED_YEARS
RANGE_MESSAGE = f"Năm phải trong khoảng {FIRST_YEAR}–{LAST_YEAR}."
# PostgreSQL's limit; real zones stay within −12:00 and +14:00.
MAX_OFFSET = dt.timedelta(hours=15, minutes=59)
OFFSET_MESSAGE = "Múi giờ không hợp lệ: độ lệch so với UTC phải trong khoảng −15:59 đến +15:59."


def out_of_range(value: dt.date) -> bool:
    """True for a date (or datetime) whose year the calendar does not cover."""
    return not FIRST_YEAR <= value.year <= LAST_YEAR


def validate_supported(value: dt.date | dt.datetime | None) -> None:
    """Django validator: a year within SUPPORTED_YEARS and, for an instant, an offset within ±15:59."""
    if value is None:
        return
    if out_of_range(value):
        raise ValidationError(RANGE_MESSAGE, code="year_out_of_range")
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise ValidationError(OFFSET_MESSAGE, code="offset_out_of_range")


# --- forms (pages) ---------------------------------------------------------------------------


class DateField(forms.DateField):
    default_validators = [validate_supported]


class DateTimeField(forms.DateTimeField):
    default_validators = [validate_supported]


class IsoDateTimeField(FilterIsoDateTimeField):
    default_validators = [validate_supported]


# --- django-filter (API list filters) --------------------------------------------------------


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


# --- DRF (API bodies and query serializers) --------------------------------------------------


class ApiDateField(serializers.DateField):
    default_validators = [validate_supported]


class ApiDateTimeField(serializers.DateTimeField):
    default_validators = [validate_supported]
