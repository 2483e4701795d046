"""What one account may hand to another: never more than it holds itself.

The admin's user management asks these questions (accounts/admin.py). An administrator who is
not a superuser manages only accounts that hold nothing the administrator lacks; managing a
stronger account (its password, its roles, its activation) would be a way to act as it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.scoping import sees_all_agencies


def held_permissions(user) -> set[str]:
    """`app_label.codename` of every permission the account holds through its groups or directly.

    Unlike `user.get_all_permissions()` this counts an inactive account's permissions too: an
    account someone deactivated still holds what it would get back when reactivated.
    """
    if user.is_superuser:
        return {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    return {f"{app}.{code}" for app, code in rows}


def grantable_groups(user):
    """The groups `user` may give: those whose every permission `user` holds."""
    if user.is_superuser:
        return Group.objects.all()
    held = held_permissions(user)
    pks = [
        group.pk
        for group in Group.objects.prefetch_related("permissions__content_type")
        if {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} <= held
    ]
    return Group.objects.filter(pk__in=pks)


def outranks(target, user) -> bool:
    """Whether `target` holds something `user` does not: superuser, wider scope or a permission."""
    if user.is_superuser:
        return False
    if target.is_superuser:
        return True
    if sees_all_agencies(target) and not sees_all_agencies(user):
        return True
    return not held_permissions(target) <= held_permissions(user)
