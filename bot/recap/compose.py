"""What each mode posts.

- replay: the saga one day per day from Friday 17 November 2023. A day with fewer than
  `MIN_EVENTS_PER_POST` events is told together with the next one, so every post has substance;
  after the last day, one closing post (the turning points, where it ended, how to start again).
- anniversary: on each calendar day of the saga that has events, every year, that day of 2023.
- digest: the events added to the database since the subscription last posted.

A day's post holds only the events the articles date *to that day* (or to a time on it): an event
dated "between Sunday 19 and Monday 20" is never put on either day.
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta

from ..answering.index import Event, SagaIndex
from ..answering.normalize import Locale
from ..answering.phrasing import phrase_date, phrase_day, phrase_role, pick_separator
from ..messages import say
from ..saga.calendar import ANCHOR
from .posts import (ANNIVERSARY, DIGEST, PREVIEW, REPLAY, Post, build_line, find_turning_points, is_in_saga, phrase_time_of_day,
                    pick_quiz_event)

# "Little news": a day with fewer events than this is merged with the next day.
MIN_EVENTS_PER_POST = 3
# The closing post tells the turning points and what most of the five articles report.
WIDELY_REPORTED = 3
REPLAY_END_KEY = "replay:end"


@dataclass(frozen=True)
class ReplayStep:
    """One post of the replay: one day, or a few quiet days told together."""

    days: tuple[date, ...]
    events: tuple[Event, ...]


def list_day_events(index: SagaIndex, day: date) -> list[Event]:
    """The events dated to `day` itself (to the day or the minute, in the time the text names):
    first those with a time, in time order, then those the articles give no time for."""
    stem = day.isoformat()
    events = [event for event in index.events if event.date.precision in ("day", "minute") and event.date.iso[:10] == stem]
    return sorted(events, key=lambda event: (event.date.precision != "minute", event.date.iso[11:16], event.position))


def plan_replay(index: SagaIndex) -> list[ReplayStep]:
    """The replay's posts, from the saga's first day to its last dated day."""
    cached: list[ReplayStep] | None = index.cache.get("recap:replay_plan")
    if cached is not None:
        return cached
    dated = [event.date.iso[:10] for event in index.events if event.date.precision in ("day", "minute")]
    last = max((day for day in dated if day >= ANCHOR.isoformat()), default=None)
    steps: list[ReplayStep] = []
    days: list[date] = []
    events: list[Event] = []
    day = ANCHOR
    while last is not None and day.isoformat() <= last:
        days.append(day)
        events += list_day_events(index, day)
        if len(events) >= MIN_EVENTS_PER_POST:
            steps.append(ReplayStep(tuple(days), tuple(events)))
            days, events = [], []
        day += timedelta(days=1)
    if events:
        # Quiet days at the very end have no next day to join: they join the day before.
        if steps:
            previous = steps.pop()
            steps.append(ReplayStep(previous.days + tuple(days), previous.events + tuple(events)))
        else:
            steps.append(ReplayStep(tuple(days), tuple(events)))
    index.cache["recap:replay_plan"] = steps
    return steps


def find_replay_step(index: SagaIndex, replay_day: str | None) -> ReplayStep | None:
    """The next step after the last day a subscription has posted (None: only the closing post is left)."""
    for step in plan_replay(index):
        if replay_day is None or step.days[-1].isoformat() > replay_day:
            return step
    return None


def compose_replay_post(index: SagaIndex, locale: Locale, replay_day: str | None) -> Post:
    """The next post of a replay that has told the saga up to `replay_day` (ISO, or None at the start)."""
    step = find_replay_step(index, replay_day)
    if step is None:
        return compose_closing_post(index, locale)
    return _compose_days_post(index, locale, step, REPLAY)


def compose_closing_post(index: SagaIndex, locale: Locale) -> Post:
    """The replay's last post: the saga's turning points, where it ended, how to start again."""
    turning = find_turning_points(index)
    events = [event for event in index.events if is_in_saga(event) and (event.id in turning or _count_articles(event) >= WIDELY_REPORTED)]
    # By first possible day, then by last: what may have come later is told later.
    events.sort(key=lambda event: (event.date.sort_key(), event.date.end or "9999", event.position))
    lines = tuple(build_line(index, event, locale, _phrase_whole_date(event, locale)) for event in events)
    notes = []
    ended = _describe_where_it_ended(index, locale)
    if ended:
        notes.append(say("recap.closing.ended", locale, holders=ended))
    notes.append(say("recap.closing.restart", locale))
    return Post(REPLAY_END_KEY, REPLAY, locale, say("recap.title.closing", locale), lines, tuple(notes),
                pick_quiz_event(index, events), (), True)


def list_anniversary_days(index: SagaIndex) -> frozenset[tuple[int, int]]:
    """(month, day) of every saga day with events of its own: the days an anniversary posts."""
    cached = index.cache.get("recap:anniversary_days")
    if cached is None:
        cached = frozenset((day.month, day.day) for step in plan_replay(index) for day in step.days if list_day_events(index, day))
        index.cache["recap:anniversary_days"] = cached
    return cached


def accepts_anniversary(index: SagaIndex, day: date) -> bool:
    """Does an anniversary subscription post on local day `day`? (Only after 2023: the saga itself.)"""
    return day.year > ANCHOR.year and (day.month, day.day) in list_anniversary_days(index)


def compose_anniversary_post(index: SagaIndex, locale: Locale, today: date) -> Post | None:
    """What happened on this calendar day in 2023, or None on a day that is not one of the saga's."""
    if not accepts_anniversary(index, today):
        return None
    saga_day = date(ANCHOR.year, today.month, today.day)
    events = list_day_events(index, saga_day)
    years = today.year - ANCHOR.year
    title = say("recap.title.anniversary_one" if years == 1 else "recap.title.anniversary_many", locale,
                day=phrase_day(saga_day, locale), years=years)
    lines = tuple(build_line(index, event, locale, phrase_time_of_day(event, locale)) for event in events)
    return Post(f"{ANNIVERSARY}:{today.isoformat()}", ANNIVERSARY, locale, title, lines, (), pick_quiz_event(index, events),
                (saga_day.isoformat(),))


def compose_digest_post(index: SagaIndex, locale: Locale, seen: AbstractSet[str], today: date) -> Post | None:
    """The events not yet posted to this subscription, or None when nothing is new."""
    events = [event for event in index.events if event.id not in seen]
    if not events:
        return None
    title = say("recap.title.digest_one" if len(events) == 1 else "recap.title.digest_many", locale, count=len(events))
    lines = tuple(build_line(index, event, locale, _phrase_whole_date(event, locale)) for event in events)
    return Post(f"{DIGEST}:{today.isoformat()}", DIGEST, locale, title, lines, (), pick_quiz_event(index, events))


def compose_day_post(index: SagaIndex, locale: Locale, day: date) -> Post | None:
    """The post of one saga day as a replay would tell it (for `/recap preview day:`), or None
    when the articles date no event to that day."""
    events = list_day_events(index, day)
    if not events:
        return None
    return _compose_days_post(index, locale, ReplayStep((day,), tuple(events)), PREVIEW)


def compose_next_post(index: SagaIndex, mode: str, locale: Locale, today: date, replay_day: str | None = None,
                      seen: AbstractSet[str] = frozenset()) -> Post | None:
    """The post a subscription in `mode` makes on local day `today` (None: nothing to post)."""
    if mode == REPLAY:
        return compose_replay_post(index, locale, replay_day)
    if mode == ANNIVERSARY:
        return compose_anniversary_post(index, locale, today)
    if mode == DIGEST:
        return compose_digest_post(index, locale, seen, today)
    raise ValueError(f"unknown recap mode {mode!r}")


def _compose_days_post(index: SagaIndex, locale: Locale, step: ReplayStep, mode: str) -> Post:
    first, last = step.days[0], step.days[-1]
    if first == last:
        title = say("recap.title.day", locale, day=phrase_day(first, locale))
    else:
        start = phrase_day(first, locale)
        if (first.year, first.month) == (last.year, last.month):
            start = start.rsplit(" ", 2)[0]  # « samedi 18 » … « lundi 20 novembre 2023 »
        title = say("recap.title.days", locale, start=start, end=phrase_day(last, locale))
    # Days told together: each line knows its day, so that the layout heads each day's lines.
    several = len(step.days) > 1
    lines = tuple(build_line(index, event, locale, phrase_time_of_day(event, locale), event.date.iso[:10] if several else None)
                  for event in step.events)
    notes = (say("recap.merged", locale),) if len(step.days) > 1 else ()
    # The key names the step by its first day: the same post whatever the day it goes out.
    return Post(f"{mode}:{first.isoformat()}", mode, locale, title, lines, notes, pick_quiz_event(index, step.events),
                tuple(day.isoformat() for day in step.days))


def _describe_where_it_ended(index: SagaIndex, locale: Locale) -> str:
    """The posts taken during the saga and still held when the articles stop: 'Sam Altman, CEO of OpenAI (from: …)'."""
    by_id = index.events_by_id
    held = []
    for tenure in index.tenures:
        opened = by_id.get(tenure.from_event or "")
        if opened is None or tenure.until_event or not is_in_saga(opened):
            continue
        role = phrase_role(index, tenure.role, tenure.of_entity, locale, tenure.entity_id)
        held.append(say("recap.closing.holder", locale, name=index.name(tenure.entity_id, locale), role=role, date=_phrase_whole_date(opened, locale)))
    return pick_separator(locale).join(held)


def _phrase_whole_date(event: Event, locale: Locale) -> str:
    """'Friday 17 November 2023 around 12:30 (Pacific time)', 'between Sunday 19 and Monday 20 November 2023'."""
    return phrase_date(event.date, locale, event.approximate, compact=True)


def _count_articles(event: Event) -> int:
    return len({source.article for source in event.sources})
