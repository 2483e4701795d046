"""The due instant of a dossier, derived from its event log and its procedure's policy.

Never mutate a due instant ad hoc: every service re-derives it from the events, so that a
supplement or a suspension is counted the same way everywhere (docs/dossiers.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from procedures import calendar

RECEIVED = "received"
PAUSING = {"supplement_requested", "suspended"}
RESUMING = {"supplement_received", "resumed"}


@dataclass(frozen=True)
class Schedule:
    """The statutory due instant, and since when the clock is stopped (None while it runs)."""

    due_at: dt.datetime
    paused_at: dt.datetime | None


def derive_schedule(*, procedure, agency, events: Iterable[tuple[str, dt.datetime, dict]]) -> Schedule:
    """Fold the (type, at, payload) events, oldest first, into the current schedule.

    - `received` starts the clock; an imported dossier may carry its original due instant in the
      payload (`due_at`, ISO 8601), which is kept.
    - `supplement_requested` and `suspended` stop the clock.
    - `supplement_received` restarts the full processing time from that instant under the
      `restart` policy, or moves the due instant by the working time spent waiting under `pause`.
    - `resumed` (after a suspension) always moves the due instant by the working time stopped.
    """
    due: dt.datetime | None = None
    paused: dt.datetime | None = None
    for kind, at, payload in events:
        if kind == RECEIVED:
            given = (payload or {}).get("due_at")
            due = (
                dt.datetime.fromisoformat(given)
                if given
                else calendar.due_at(at, procedure.processing_amount, procedure.processing_unit, agency)
            )
            paused = None
        elif due is None:
            raise ValueError("a dossier's event log must start with 'received'")
        elif kind in PAUSING and paused is None:
            paused = at
        elif kind in RESUMING and paused is not None:
            if kind == "supplement_received" and procedure.supplement_policy == "restart":
                due = calendar.due_at(at, procedure.processing_amount, procedure.processing_unit, agency)
            else:
                waited = calendar.working_minutes_between(paused, at, agency)
                if waited > 0:
                    due = calendar.add_working_minutes(due, waited, agency)
            paused = None
    if due is None:
        raise ValueError("a dossier's event log must start with 'received'")
    return Schedule(due_at=due, paused_at=paused)
