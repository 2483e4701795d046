"""Writing a validated book: every new dossier in one transaction, or nothing.

`import_dossiers` validates the book, skips the codes already in the database and writes each
remaining row through the dossier services (`dossier_receive`, `dossier_finish`,
`dossier_return`), so that history and events are attributed to the importing user. A dry run
writes nothing and only counts. `ImportResult` holds the counts.

The tracking-book lines are reserved first, one short statement per agency and year, so the
long transaction holds no counter and intakes of the agency go on meanwhile. If the import then
fails, the lines are given back unless an intake took a later one; that gap is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from config.exceptions import ConflictError
from dossiers import services
from dossiers.deadlines import derive_schedule
from dossiers.importing.errors import DossierImportError, RowError
from dossiers.importing.reading import TrackingBook
from dossiers.importing.validation import PlannedDossier, validate_book
from dossiers.models import Dossier
from procedures.calendar import VN_TZ


@dataclass
class ImportResult:
    imported: int = 0
    finished: int = 0
    finished_late: int = 0  # result ready after the due instant
    returned: int = 0
    skipped_existing: list[tuple[int, str]] = field(default_factory=list)  # (row, code)
    dry_run: bool = False

    @property
    def skipped(self) -> int:
        return len(self.skipped_existing)


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_codes(codes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(codes))):
        found.update(Dossier.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def _message(exc: Exception) -> str:
    if isinstance(exc, IntegrityError):
        return "hồ sơ vừa được ghi cùng lúc từ nơi khác (trùng mã); hãy chạy lại lệnh nhập."
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def import_dossiers(
    book: TrackingBook,
    *,
    user,
    dry_run: bool = False,
    progress: Callable[[list[PlannedDossier]], Iterable[PlannedDossier]] | None = None,
) -> ImportResult:
    """Validate every row, then write all new dossiers in one transaction (or nothing).

    A code already in the database is skipped. `progress` may wrap the rows being written
    (a progress bar). Raises DossierImportError with every problem found.
    """
    plans = validate_book(book, user=user)
    result = ImportResult(dry_run=dry_run)
    if dry_run:
        present = existing_codes(plan.code for plan in plans)
        for plan in plans:
            if plan.code in present:
                result.skipped_existing.append((plan.row, plan.code))
            else:
                _count(result, plan, plan.due_at or _computed_due(plan))
        return result

    present = existing_codes(plan.code for plan in plans)
    blocks = _reserve_book_lines([plan for plan in plans if plan.code not in present])
    lines = {key: iter(block) for key, block in blocks.items()}
    try:
        with transaction.atomic():
            for plan in (progress or iter)(plans):
                if plan.code in present:
                    result.skipped_existing.append((plan.row, plan.code))
                    continue
                try:
                    dossier = _write(plan, user, book_line=next(lines[_book_key(plan)]))
                except (ValidationError, PermissionDenied, ConflictError, IntegrityError) as exc:
                    # Rolls the whole transaction back: nothing of the file is kept.
                    raise DossierImportError([RowError(plan.row, "", _message(exc))]) from exc
                _count(result, plan, dossier.due_at)
    except BaseException as exc:
        gaps = _release_book_lines(blocks)
        if isinstance(exc, DossierImportError):
            exc.notes.extend(gaps)
        raise
    return result


def _book_key(plan: PlannedDossier) -> tuple:
    """The counter a row's tracking-book line comes from: its agency and year."""
    return plan.procedure.agency, plan.received_at.astimezone(VN_TZ).year


def _reserve_book_lines(plans: list[PlannedDossier]) -> dict[tuple, range]:
    """One block of lines per (agency, year), in row order within each block."""
    counts: dict[tuple, int] = {}
    for plan in plans:
        counts[_book_key(plan)] = counts.get(_book_key(plan), 0) + 1
    return {
        (agency, year): services.reserve_sequence_block(agency, f"Y{year}", count)
        for (agency, year), count in sorted(counts.items(), key=lambda item: (item[0][0].pk, item[0][1]))
    }


def _release_book_lines(blocks: dict[tuple, range]) -> list[str]:
    """Give back the reserved lines; describe the blocks that stay unused (a gap in the book)."""
    gaps = []
    for (agency, year), block in blocks.items():
        if not services.release_sequence_block(agency, f"Y{year}", block):
            gaps.append(
                f"Số thứ tự {block[0]}–{block[-1]} trong sổ năm {year} của {agency.code} đã được giữ cho tệp "
                "này và bỏ trống (có hồ sơ tiếp nhận sau các số này trong lúc nhập)."
            )
    return gaps


def _count(result: ImportResult, plan: PlannedDossier, due_at: dt.datetime) -> None:
    result.imported += 1
    if plan.result_ready_at is not None:
        result.finished += 1
        result.finished_late += plan.result_ready_at > due_at
    result.returned += plan.returned_at is not None


def _computed_due(plan: PlannedDossier) -> dt.datetime:
    """The due instant `dossier_receive` will compute for a row without one."""
    events = [("received", plan.received_at, {})]
    procedure = plan.procedure
    return derive_schedule(procedure=procedure, agency=procedure.agency, events=events).due_at


def _write(plan: PlannedDossier, user, *, book_line: int) -> Dossier:
    dossier = services.dossier_receive(
        procedure=plan.procedure,
        actor=user,
        code=plan.code,
        applicant_name=plan.applicant_name,
        applicant_phone=plan.applicant_phone,
        applicant_address=plan.applicant_address,
        channel=plan.channel,
        notes=plan.notes,
        received_at=plan.received_at,
        original_due_at=plan.due_at,
        book_line=book_line,
    )
    if plan.result_ready_at is not None:
        dossier = services.dossier_finish(dossier=dossier, actor=user, at=plan.result_ready_at, draft_apology=False)
    if plan.returned_at is not None:
        dossier = services.dossier_return(dossier=dossier, actor=user, at=plan.returned_at)
    return dossier
