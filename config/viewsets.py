"""What every API viewset of the project shares."""

from __future__ import annotations


class FilterListsOnly:
    """Run the filter and ordering backends on the list action only.

    DRF also runs them when it looks up one object (detail, update, and every POST action),
    where the query string holds no filters: the schema documents them on lists only. There they
    cost a filterset and its form on every request, and an unrelated `?status=` could turn a
    valid detail URL into a 400. Agency scoping is not a filter: it lives in `get_queryset`.
    """

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)
