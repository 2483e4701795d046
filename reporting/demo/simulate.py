"""One generated dossier's life, from receipt to its outcome, as the services would have recorded it.

The due instant and the stopped clock come from `dossiers.deadlines.derive_schedule` over the
generated events, so they follow the procedure's policy exactly as a live dossier would; every
other instant is laid with `procedures.calendar`. Whatever would happen after `now` has not
happened: the dossier is still open then.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dossiers.deadlines import derive_schedule
from dossiers.models import Channel, DossierEvent, Status
from procedures import calendar

E = DossierEvent.Type
SESSIONS = ((7 * 60, 11 * 60), (13 * 60, 17 * 60))
# Channel mix by online level.
CHANNELS = {
    1: ((Channel.COUNTER, 85), (Channel.POST, 15)),
    2: ((Channel.COUNTER, 85), (Channel.POST, 15)),
    3: ((Channel.ONLINE, 45), (Channel.COUNTER, 45), (Channel.POST, 10)),
    4: ((Channel.ONLINE, 75), (Channel.COUNTER, 20), (Channel.POST, 5)),
}
OUTCOMES = (("early", 66), ("on_time", 22), ("late", 8.5), ("refused", 1.5), ("withdrawn", 2))


@dataclass
class Life:
    """What the bulk writer needs to build the dossier, its events and its letter."""

    channel: str
    received_at: dt.datetime
    due_at: dt.datetime
    paused_at: dt.datetime | None
    status: str
    events: list[tuple[str, dt.datetime, dict]] = field(default_factory=list)
    result_ready_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    supplement_count: int = 0
    breached: bool = False
    letter: tuple[str, dt.datetime, dt.datetime] | None = None  # (status, issued or drafted at, new due)


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def received_instant(rng: random.Random, day: dt.date, *, working: bool, online: bool) -> dt.datetime:
    """Office hours on a working day; an online dossier may also come in the evening or on a day off."""
    if online and (not working or rng.random() < 0.1):
        minute = rng.randint(6 * 60, 22 * 60)
    else:
        start, end = SESSIONS[rng.random() < 0.45]
        minute = rng.randint(start, end - 1)
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=calendar.VN_TZ)


def channel_for(rng: random.Random, level: int, *, working: bool) -> str:
    return Channel.ONLINE if not working else _pick(rng, CHANNELS[level])


def live(rng: random.Random, procedure, agency, channel: str, received: dt.datetime, now: dt.datetime) -> Life:
    """Draw the dossier's events up to `now`, then derive its schedule and status."""
    day = calendar.working_minutes_per_day(agency)

    def later(start: dt.datetime, low: int, high: int) -> dt.datetime:
        return calendar.add_working_minutes(start, rng.randint(low, high), agency)

    events: list[tuple[str, dt.datetime, dict]] = [(E.RECEIVED, received, {})]
    life = Life(channel=channel, received_at=received, due_at=received, paused_at=None, status=Status.IN_PROGRESS)
    waiting = False
    draw = rng.random()
    if draw < 0.12:  # supplement requested; 10% of requests come after the 3-day window
        asked = later(received, 30, 3 * day) if rng.random() < 0.9 else later(received, 3 * day + 30, 6 * day)
        life.breached = calendar.working_minutes_between(received, asked, agency) > 3 * day
        breaches = ["after_window"] if life.breached else []
        events.append((E.SUPPLEMENT_REQUESTED, asked, {"items": ["Bản sao giấy tờ còn thiếu"], "breaches": breaches}))
        life.supplement_count, waiting = 1, True
        if rng.random() < 0.85:
            events.append((E.SUPPLEMENT_RECEIVED, later(asked, day, 10 * day), {}))
            waiting = False
            if rng.random() < 0.05:  # asked twice: a breach
                asked = later(events[-1][1], 60, day)
                events.append((E.SUPPLEMENT_REQUESTED, asked, {"items": ["Ảnh"], "breaches": ["more_than_once"]}))
                events.append((E.SUPPLEMENT_RECEIVED, later(asked, day, 5 * day), {}))
                life.supplement_count, life.breached = 2, True
    elif draw < 0.15:  # suspended, e.g. waiting for a verification by another body
        stopped = later(received, 60, 2 * day)
        events.append((E.SUSPENDED, stopped, {}))
        events.append((E.RESUMED, later(stopped, day, 8 * day), {}))
    events = [event for event in events if event[1] <= now]
    waiting = waiting or (events[-1][0] in (E.SUPPLEMENT_REQUESTED, E.SUSPENDED))
    schedule = derive_schedule(procedure=procedure, agency=agency, events=events)
    life.due_at, life.paused_at = schedule.due_at, schedule.paused_at
    base = events[-1][1]

    outcome = _pick(rng, OUTCOMES)
    if waiting:  # still waiting for the applicant: some give up
        outcome = "withdrawn" if rng.random() < 0.3 else "open"
    at: dt.datetime | None = None
    if outcome == "early":
        remaining = max(calendar.working_minutes_between(base, life.due_at, agency), 60)
        at = calendar.add_working_minutes(base, max(30, int(remaining * rng.uniform(0.15, 0.9))), agency)
    elif outcome == "on_time":
        at = max(base + dt.timedelta(minutes=10), life.due_at - dt.timedelta(minutes=rng.randint(0, 120)))
    elif outcome == "late":
        at = later(life.due_at, 30, 8 * day)
    elif outcome in ("refused", "withdrawn"):
        at = later(base, 30, 5 * day)
    if at is not None and at > now:
        outcome, at = "open", None

    if outcome in ("refused", "withdrawn"):
        life.closed_at = at
        life.status = Status.REFUSED if outcome == "refused" else Status.WITHDRAWN
        events.append((E.REFUSED if outcome == "refused" else E.WITHDRAWN, at, {}))
    elif at is not None:
        life.result_ready_at, life.status = at, Status.RESULT_READY
        events.append((E.RESULT_READY, at, {}))
        returned = later(at, 0, 3 * day)
        if rng.random() < 0.85 and returned <= now:
            life.returned_at, life.status = returned, Status.RETURNED
            events.append((E.RETURNED, returned, {}))
    elif waiting:
        life.status = Status.AWAITING_SUPPLEMENT if events[-1][0] == E.SUPPLEMENT_REQUESTED else Status.SUSPENDED
    life.events = events
    _letter(rng, life, procedure, agency, now)
    return life


def _letter(rng: random.Random, life: Life, procedure, agency, now: dt.datetime) -> None:
    """Most delays get an issued apology letter shortly before the due instant; a few only a draft."""
    finished = life.result_ready_at
    late = finished > life.due_at if finished else (
        life.closed_at is None and life.due_at < now and (life.paused_at is None or life.paused_at > life.due_at)
    )
    if not late:
        return
    draw = rng.random()
    if draw >= 0.9:
        return
    day = calendar.working_minutes_per_day(agency)
    at = calendar.add_working_minutes(life.due_at, -rng.randint(30, day), agency)
    at = max(at, life.received_at + dt.timedelta(minutes=5))
    if at > now:
        return
    new_due = calendar.add_working_minutes(life.due_at, procedure.apology_extension_days * day, agency)
    life.letter = ("issued" if draw < 0.8 else "draft", at, new_due)
