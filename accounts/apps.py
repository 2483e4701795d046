from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles_after_migrate(sender, *, using, apps=None, **kwargs) -> None:
    """Complete the role groups once every app's permissions exist.

    Django creates permissions in post_migrate, app by app in INSTALLED_APPS order, so the
    dossier permissions do not exist yet when this app's signal fires: create them all first.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from accounts.roles import ensure_roles

    apps = apps or global_apps  # `flush` sends the signal without a migration state
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # auth not migrated in this plan
        return
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    ensure_roles(apps=apps, missing_ok=True)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Cán bộ và phân quyền"

    def ready(self) -> None:
        from accounts import admin_tokens, checks, signals  # noqa: F401  (checks and the token admin register)

        signals.connect()

        post_migrate.connect(_ensure_roles_after_migrate, sender=self, dispatch_uid="accounts.ensure_roles")
