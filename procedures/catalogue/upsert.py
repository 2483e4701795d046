"""The all-or-nothing upsert of catalogue rows by (agency, procedure code)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.scoping import sees_all_agencies, user_agency
from procedures.catalogue.layout import (
    CATALOGUE_COLUMNS,
    HEADERS,
    MAX_ROWS,
    PROCEDURE_ATTRS,
    ROW_KEY,
    CatalogueError,
    RowError,
    UpsertResult,
)
from procedures.catalogue.values import _COMPARE_AS, _parse_row, _text, _validation_errors
from procedures.models import Agency, Field, Procedure

# What the API and the admin require to create and change procedures and fields; an import
# does both, so its user must hold all four (the administrator role does).
CATALOGUE_PERMISSIONS = (
    "procedures.add_procedure",
    "procedures.change_procedure",
    "procedures.add_field",
    "procedures.change_field",
)


def check_catalogue_user(user) -> None:
    """The importing user may write the catalogue, as the web would require; else CatalogueError."""
    name = user.get_username()
    if not user.is_active:
        problem = _("tài khoản '%s' đã bị khóa.") % name
    elif not all(user.has_perm(perm) for perm in CATALOGUE_PERMISSIONS):
        problem = _("tài khoản '%s' không có quyền sửa danh mục thủ tục (cần vai trò Quản trị).") % name
    elif not sees_all_agencies(user) and user_agency(user) is None:
        problem = _("tài khoản '%s' không thuộc cơ quan nào.") % name
    else:
        return
    raise CatalogueError.whole_file(problem)


def catalogue_upsert(*, rows: list[dict], user=None, dry_run: bool = False) -> UpsertResult:
    """Create or update procedures (and their fields) from rows, all of them or none.

    Every row is checked first and every problem is reported in one CatalogueError. Rows equal to
    what is stored are not saved, so importing the same file twice writes nothing the second time.
    Agencies are never created here. With `dry_run` nothing is written either way.
    A `user` must hold the catalogue permissions, and writes only their own agency's rows
    unless province-wide.
    """
    if user is not None:
        check_catalogue_user(user)
    if len(rows) > MAX_ROWS:
        raise CatalogueError.whole_file(
            _("có %(count)s dòng, nhiều hơn giới hạn %(limit)s dòng mỗi lần nhập; "
              "hãy chia nhỏ tệp.") % {"count": len(rows), "limit": MAX_ROWS}
        )
    plan = _plan_upsert(rows, user=user)
    if dry_run:
        return plan.result
    try:
        with transaction.atomic():
            for instance in [*plan.fields_to_save, *plan.procedures_to_save]:
                if user is not None:
                    instance._history_user = user
                instance.save()
    except IntegrityError as exc:
        # Only reachable when someone else changes the catalogue between checking and writing.
        raise CatalogueError.whole_file(
            _("danh mục vừa bị thay đổi trong lúc nhập (%s); không có gì được ghi, "
              "hãy chạy lại.") % exc
        ) from exc
    return plan.result


class _Planner:
    """Checks rows against the database and each other, and collects what would be saved."""

    def __init__(self, parsed: list[tuple[int, dict[str, Any], list[RowError]]], *, user=None):
        # None: every agency (no user named, or a province-wide one).
        self.only_agency = None if user is None or sees_all_agencies(user) else user_agency(user)
        codes = {values["agency"] for _row, values, _errors in parsed if "agency" in values}
        self.agencies = Agency.objects.in_bulk(codes, field_name="code")
        self.fields = {
            (f.agency_id, f.code): f
            for f in Field.objects.filter(agency__in=self.agencies.values())
        }
        stored = Procedure.objects.filter(agency__in=self.agencies.values()).select_related("field")
        self.procedures = {(p.agency_id, p.code): p for p in stored}
        self.result = UpsertResult()
        self.errors: list[RowError] = []
        self.fields_to_save: list[Field] = []
        self.procedures_to_save: list[Procedure] = []
        self.first_row_of_code: dict[tuple[str, str], int] = {}
        self.field_seen: dict[tuple[str, str], tuple[int, str, Field | None]] = {}

    def add_row(self, row_no: int, values: dict[str, Any], failed: list[str]) -> None:
        """Plan one parsed row; rows with problems are still checked so every error is found."""
        agency_code = values.get("agency")
        agency = self.agencies.get(agency_code)
        if agency_code is not None and agency is None:
            self._error(row_no, "agency", _("không có cơ quan mã '%s'.") % agency_code)
        elif agency is not None and self.only_agency is not None and agency != self.only_agency:
            self._error(
                row_no, "agency", _("tài khoản không được sửa danh mục của cơ quan %s.") % agency_code
            )
        if agency_code is not None and "code" in values:
            key = (agency_code, values["code"])
            if key in self.first_row_of_code:
                self._error(
                    row_no, "code",
                    _("mã thủ tục '%(code)s' của cơ quan '%(agency)s' trùng với dòng %(first)s.")
                    % {"code": key[1], "agency": key[0], "first": self.first_row_of_code[key]},
                )
            self.first_row_of_code.setdefault(key, row_no)
        field = self._field(row_no, agency_code, agency, values)

        procedure = self.procedures.get((getattr(agency, "id", None), values.get("code")))
        is_new = procedure is None
        if is_new:
            procedure = Procedure(agency=agency)
        changed = is_new
        for attr in PROCEDURE_ATTRS:
            if attr in values and not _same(attr, getattr(procedure, attr), values[attr]):
                setattr(procedure, attr, values[attr])
                changed = True
        if field is not None and (field.pk is None or procedure.field_id != field.pk):
            procedure.field = field
            changed = True
        if not changed:
            self.result.unchanged += 1
            return
        try:
            # agency and field were resolved above (field checked on its own): skip their lookups.
            procedure.full_clean(exclude=["agency", "field", *failed])
        except ValidationError as exc:
            self.errors.extend(_validation_errors(row_no, exc, {"field": "field_code"}))
        self.procedures_to_save.append(procedure)
        if is_new:
            self.result.created += 1
        else:
            self.result.updated += 1

    def _field(self, row_no, agency_code, agency, values) -> Field | None:
        """The row's field, created or renamed in memory; None when it cannot be used."""
        if "field_code" not in values or "field_name" not in values:
            return None
        key, name = (agency_code, values["field_code"]), values["field_name"]
        if key in self.field_seen:
            first_row, first_name, field = self.field_seen[key]
            if first_name != name:
                self._error(
                    row_no, "field_name",
                    _("lĩnh vực '%(code)s' đã có tên '%(first_name)s' ở dòng %(first)s, "
                      "khác tên '%(name)s' ở dòng này; mỗi mã lĩnh vực chỉ có một tên.")
                    % {"code": key[1], "first_name": first_name, "first": first_row, "name": name},
                )
            return field

        field = self.fields.get((getattr(agency, "id", None), values["field_code"]))
        if field is None:
            field = Field(agency=agency, code=values["field_code"], name=name)
            self.result.fields_created += 1
        elif _text(field.name) != name:
            field.name = name
            self.result.fields_updated += 1
        else:
            self.field_seen[key] = (row_no, name, field)
            return field
        try:
            field.full_clean(exclude=["agency"])
        except ValidationError as exc:
            self.errors.extend(
                _validation_errors(row_no, exc, {"code": "field_code", "name": "field_name"})
            )
            field = None
        else:
            self.fields_to_save.append(field)
        self.field_seen[key] = (row_no, name, field)
        return field

    def _error(self, row_no: int, key: str, message: str) -> None:
        self.errors.append(RowError(row_no, HEADERS[key], message))


def _plan_upsert(rows: list[dict], *, user=None) -> _Planner:
    parsed = []
    errors: list[RowError] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(RowError(index + 1, "", _("mỗi thủ tục phải là một đối tượng (dict).")))
            continue
        row_no = row.get(ROW_KEY, index + 1)
        values, row_errors = _parse_row(row_no, row)
        parsed.append((row_no, values, row_errors))
        errors.extend(row_errors)

    planner = _Planner(parsed, user=user)
    for row_no, values, row_errors in parsed:
        failed_headers = {error.column for error in row_errors}
        failed = [key for key, header in CATALOGUE_COLUMNS if header in failed_headers]
        planner.add_row(row_no, values, failed)
    errors.extend(planner.errors)
    if errors:
        raise CatalogueError(errors)
    return planner


def _same(attr: str, stored: Any, new: Any) -> bool:
    normalise = _COMPARE_AS.get(attr)
    return normalise(stored) == new if normalise else stored == new
