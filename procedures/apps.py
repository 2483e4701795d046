from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_cache_table(sender, *, using, **kwargs) -> None:
    """Without Redis the shared cache is a database table; every `migrate` makes sure it exists.

    The calendar's cross-worker version lives in that cache, so a database migrated without
    the table would fail on the first calendar change. `createcachetable` is idempotent and
    does nothing for other cache backends.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = "Danh mục thủ tục hành chính"

    def ready(self) -> None:
        from procedures import signals  # noqa: F401  - connects calendar invalidation

        post_migrate.connect(_ensure_cache_table, sender=self, dispatch_uid="procedures.cache_table")
