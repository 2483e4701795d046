"""Agency scoping: the one place that decides which agencies a user may see."""

from __future__ import annotations

from django.db.models import QuerySet


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
