"""Guards shared by the import commands."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError


def refuse_huge_file(path: Path) -> None:
    """Stop before reading a file larger than settings.IMPORT_MAX_BYTES, with a message that says why.

    A missing file is left to the reader, which reports it in its own words.
    """
    limit = settings.IMPORT_MAX_BYTES
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limit:
        raise CommandError(
            f"Tệp '{path.name}' quá lớn ({size / 1_048_576:.1f} MB; tối đa {limit / 1_048_576:.1f} MB). "
            "Hãy chia thành nhiều tệp nhỏ hơn."
        )
