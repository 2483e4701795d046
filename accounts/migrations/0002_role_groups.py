"""Create the role groups on a fresh `migrate` (accounts.roles.ROLE_PERMISSIONS).

Permissions are normally created after all migrations (post_migrate); create the ones that
exist in this migration state first. Groups are then completed by the post_migrate handler
in accounts/apps.py, which also refreshes them whenever ROLE_PERMISSIONS changes.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from accounts.roles import ensure_roles

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    ensure_roles(apps=apps, missing_ok=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dossiers", "0002_action_permissions"),
        ("apology_letters", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
