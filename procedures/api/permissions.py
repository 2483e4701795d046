"""API-wide permission: reading needs a login, writing needs the model permission."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadAnyWriteAdmin(DjangoModelPermissions):
    """Any logged-in user may read; writes need Django's add/change/delete permission.

    Only administrators (superusers and the administrator group) hold those permissions on
    the catalogue, so catalogue writes are theirs alone.
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return request.user.is_superuser
        return super().has_permission(request, view)
