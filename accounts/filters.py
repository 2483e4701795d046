"""The `?agency=CODE` filter every list shares (accounts.scoping has the rule)."""

from __future__ import annotations

import django_filters

from accounts.scoping import only_agency

AGENCY_LABEL = "Mã cơ quan (cơ quan khác hoặc mã không có: 404)"


class AgencyFilterSet(django_filters.FilterSet):
    """`agency=CODE` narrows to an agency the user may see; another agency's code is a 404, not an
    empty list. Subclasses whose agency sits behind a relation set `agency_field`.

    The filter set needs the request (DRF's filter backend passes it; pages must too). A page
    checks the code with `accounts.scoping.agency_or_404` first: a DRF NotFound is no 404 there.
    """

    agency_field = "agency"
    agency = django_filters.CharFilter(method="filter_agency", label=AGENCY_LABEL)

    def filter_agency(self, queryset, name, value):
        return only_agency(queryset, self.request.user, value.strip(), agency_field=self.agency_field)
