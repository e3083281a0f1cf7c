"""Which post of the replay tells each event, and in what order.

Every event is told once. It goes into the post of the last day it may have happened: an event
dated to a day or a time, on that day; one the articles date only as a range ("between Sunday 19
and Monday 20"), on the day the range ends — by then it had happened — marked with its range.

The replay's days run from the saga's anchor day to the last day the articles date an event to.
An event with no last day among them goes, if it may have begun before the first day (the
background: "1985", "no later than Thursday 30"), into the closing post; otherwise (a range
running past the last day, "on or after Monday 20") into one post after the last day.

Merging is for days with little news: a day with fewer than `MIN_EVENTS_PER_POST` events is told
with its quiet neighbours, and with the next day (or, at the end, the one before) only while the
post stays short (`MAX_EVENTS_PER_MERGE`) — a quiet day is never buried in a busy one.

Within a post the turning points (`key` in the data) come first, then the rest, each in time order.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..answering.index import Event, SagaIndex
from ..saga.calendar import ANCHOR
from .posts import is_in_saga, weigh_event

# "Little news": a day with fewer events than this is told together with its quiet neighbours.
MIN_EVENTS_PER_POST = 3
# A post of several days holds at most this many events: past it, the days are told apart.
MAX_EVENTS_PER_MERGE = 12
# Whole-day events, then ranges, after the timed ones of the same day (see `order_events`).
_TIMED, _WHOLE_DAY, _RANGE = 0, 1, 2


@dataclass(frozen=True)
class ReplayStep:
    """One post of the replay: one day, a few quiet days told together, or (`after`) what the
    articles place after the last day, which stands as the day after it in `days`."""

    days: tuple[date, ...]
    # in the post's order
    events: tuple[Event, ...]
    after: bool = False


@dataclass(frozen=True)
class ReplayPlan:
    """The replay's posts, day by day, and what its closing post tells."""

    steps: tuple[ReplayStep, ...]
    # what may have begun before the first day and has no day of the replay, in the post's order
    closing: tuple[Event, ...]

    @property
    def first_day(self) -> date | None:
        return self.steps[0].days[0] if self.steps else None

    @property
    def last_day(self) -> date | None:
        """The last day the articles date an event to (the post after it tells the days past it)."""
        days = [step.days[-1] for step in self.steps if not step.after]
        return days[-1] if days else None

    def find_step(self, day: date) -> ReplayStep | None:
        """The post that tells `day` (None: no post does, or only the closing post, before the first day)."""
        return next((step for step in self.steps if day in step.days or (step.after and day >= step.days[0])), None)

    def find_next_step(self, told_until: str | None) -> ReplayStep | None:
        """The post after the last day told (ISO, None at the start); None: only the closing post is left."""
        return next((step for step in self.steps if told_until is None or step.days[-1].isoformat() > told_until), None)


def plan_replay(index: SagaIndex) -> ReplayPlan:
    """The replay of the saga in `index` (computed once per index)."""
    cached: ReplayPlan | None = index.cache.get("recap:replay_plan")
    if cached is not None:
        return cached
    dated = [day for event in index.events if event.date.precision in ("day", "minute")
             and (day := find_last_day(event)) is not None and day >= ANCHOR]
    last = max(dated, default=None)
    by_day: dict[date, list[Event]] = {}
    after: list[Event] = []
    closing: list[Event] = []
    for event in index.events:
        day = find_last_day(event)
        if last is not None and day is not None and ANCHOR <= day <= last:
            by_day.setdefault(day, []).append(event)
        elif last is not None and is_in_saga(event):
            after.append(event)
        else:
            closing.append(event)
    merged = _merge_quiet_days(ANCHOR, last, by_day) if last is not None else []
    steps = [ReplayStep(tuple(days), tuple(order_events(index, events, by_kind=True))) for days, events in merged]
    if last is not None and after:
        steps.append(ReplayStep((last + timedelta(days=1),), tuple(order_events(index, after, by_kind=False)), after=True))
    plan = ReplayPlan(tuple(steps), tuple(order_events(index, closing, by_kind=False)))
    index.cache["recap:replay_plan"] = plan
    return plan


def find_last_day(event: Event) -> date | None:
    """The last day the event may have happened on (None: the articles leave it open)."""
    return date.fromisoformat(event.date.end[:10]) if event.date.end else None


def order_events(index: SagaIndex, events: Iterable[Event], by_kind: bool) -> list[Event]:
    """Turning points first, then the rest. Turning points go in time order, an event of the whole
    day at the day's start: the firing leads the day it opened. With `by_kind` (a day's post), the
    rest go day by day: the timed ones in time order, then the day's untimed ones (the most
    reported first: the articles give no order), then the ranges that end that day. Without it
    (the posts before and after the days), the rest go in time order too."""
    def place(event: Event) -> tuple[bool, str, int, str, str, float, int]:
        # An open start ("no later than Friday 17") is placed by the one bound it has.
        moment, weight = event.date.start or event.date.end or "", -weigh_event(index, event)
        if event.key or not by_kind:
            return (not event.key, "", 0, moment, event.date.end or "~", weight, event.position)
        kind = _TIMED if event.date.precision == "minute" else _WHOLE_DAY if event.date.precision == "day" else _RANGE
        day = (event.date.end or "")[:10]
        return (True, day, kind, "" if kind == _WHOLE_DAY else moment, "", weight, event.position)

    return sorted(events, key=place)


def _merge_quiet_days(first: date, last: date, by_day: dict[date, list[Event]]) -> list[tuple[list[date], list[Event]]]:
    """The days from `first` to `last` as posts: busy days alone, quiet ones together."""
    steps: list[tuple[list[date], list[Event]]] = []
    quiet_days: list[date] = []
    quiet_events: list[Event] = []
    day = first
    while day <= last:
        events = by_day.get(day, [])
        if len(events) < MIN_EVENTS_PER_POST:
            if quiet_events and len(quiet_events) + len(events) > MAX_EVENTS_PER_MERGE:
                steps.append((quiet_days, quiet_events))
                quiet_days, quiet_events = [], []
            quiet_days.append(day)
            quiet_events += events
        elif quiet_days and len(quiet_events) + len(events) <= MAX_EVENTS_PER_MERGE:
            steps.append((quiet_days + [day], quiet_events + events))
            quiet_days, quiet_events = [], []
        else:
            # Quiet days before a busy one make a post of their own; days with nothing at all,
            # none (no post tells them, and /recap preview says so).
            if quiet_events:
                steps.append((quiet_days, quiet_events))
            steps.append(([day], events))
            quiet_days, quiet_events = [], []
        day += timedelta(days=1)
    if quiet_events:
        if steps and len(steps[-1][1]) + len(quiet_events) <= MAX_EVENTS_PER_MERGE:
            previous_days, previous_events = steps.pop()
            steps.append((previous_days + quiet_days, previous_events + quiet_events))
        else:
            steps.append((quiet_days, quiet_events))
    return steps
