"""Agency scoping: the one place that decides which agencies a user may see.

`?agency=CODE` means the same on every list, report and page: a code names one agency the user
may see; another agency's code, or an unknown one, is a 404 (DRF `NotFound`, or `Http404` on
pages through `agency_or_404`), never an empty answer.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.exceptions import NotFound

from procedures.models import Agency


def sees_all_agencies(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "staff_profile", None)
    return bool(profile and profile.province_wide)


def user_agency(user):
    """The user's own agency, or None (no profile, or a province-wide account)."""
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    return profile.agency if profile else None


def scope_to_user(queryset: QuerySet, user, *, agency_field: str = "agency") -> QuerySet:
    """Filter any queryset with an agency relation down to what `user` may see."""
    if sees_all_agencies(user):
        return queryset
    agency = user_agency(user)
    if agency is None:
        return queryset.none()
    return queryset.filter(**{agency_field: agency})


def scope_agencies(queryset: QuerySet, user) -> QuerySet:
    """`scope_to_user` for the Agency model itself: the user's own agency, or all of them."""
    if sees_all_agencies(user):
        return queryset
    agency = user_agency(user)
    return queryset.filter(pk=agency.pk) if agency is not None else queryset.none()


def report_scope(user, code: str | None) -> tuple[list[int] | None, Agency | None]:
    """(agency ids to report on, or None for all; the single agency, if one)."""
    if code:
        agency = Agency.objects.filter(code=code).first()
        if agency is None or not (sees_all_agencies(user) or user_agency(user) == agency):
            raise NotFound(f"Không tìm thấy cơ quan có mã {code!r}.")
        return [agency.pk], agency
    if sees_all_agencies(user):
        return None, None
    own = user_agency(user)
    return ([own.pk], own) if own is not None else ([], None)


def only_agency(queryset: QuerySet, user, code: str | None, *, agency_field: str = "agency") -> QuerySet:
    """Narrow an already scoped queryset to the agency `code` names; no code leaves it as it is."""
    if not code:
        return queryset
    _, agency = report_scope(user, code)
    return queryset.filter(**{agency_field: agency})


def scoped(queryset: QuerySet, user, code: str | None = None, *, agency_field: str = "agency") -> QuerySet:
    """`scope_to_user`, then `only_agency`."""
    queryset = scope_to_user(queryset, user, agency_field=agency_field)
    return only_agency(queryset, user, code, agency_field=agency_field)


def agency_or_404(user, code: str | None) -> Agency | None:
    """For pages: the agency `code` names (None without a code); Http404 where the API says 404."""
    code = (code or "").strip()
    if not code:
        return None
    try:
        return report_scope(user, code)[1]
    except NotFound as exc:
        raise Http404(str(exc.detail)) from exc
