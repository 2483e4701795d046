"""Keep the precomputed working calendar in step with the override table."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from procedures import calendar
from procedures.models import CalendarOverride


@receiver(post_save, sender=CalendarOverride)
@receiver(post_delete, sender=CalendarOverride)
def _calendar_changed(**kwargs) -> None:
    calendar.invalidate()
    # A calendar rebuilt inside the still-open transaction must not outlive it.
    transaction.on_commit(calendar.invalidate)
