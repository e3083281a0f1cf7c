"""What each mode posts.

- replay: the saga one day per day from its anchor day (Friday 17 November 2023), as
  `bot.recap.plan` lays it out: every event once, on the last day it may have happened, quiet
  days told together; then what the articles place only after the last day; then one closing
  post (the background before the first day, where it ended, how to start again).
- anniversary: on each calendar day of the saga that has events, every year, that day of 2023.
- digest: the events added to the database since the subscription last posted.

`/recap preview day:` shows the very post the replay sends for that day (`find_day_preview`).
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..answering.index import Event, SagaIndex
from ..answering.normalize import Locale
from ..answering.phrasing import phrase_date, phrase_day, phrase_role, pick_separator
from ..messages import say
from ..saga.calendar import ANCHOR
from .plan import ReplayStep, order_events, plan_replay
from .posts import ANNIVERSARY, DIGEST, REPLAY, Post, build_line, is_in_saga, phrase_time_of_day, pick_quiz_event

REPLAY_END_KEY = "replay:end"


@dataclass(frozen=True)
class DayPreview:
    """The replay's post for a day, and how it tells that day: alone, with other days, in the
    post after the last day, or (a day before the first) in the closing post."""

    post: Post
    telling: Literal["day", "merged", "after", "before"]


def list_day_events(index: SagaIndex, day: date) -> list[Event]:
    """The events dated to `day` itself (to the day or the minute, in the time the text names),
    turning points first (an anniversary tells what happened on that very day)."""
    stem = day.isoformat()
    events = [event for event in index.events if event.date.precision in ("day", "minute") and event.date.iso[:10] == stem]
    return order_events(index, events, by_kind=True)


def compose_replay_post(index: SagaIndex, locale: Locale, replay_day: str | None) -> Post:
    """The next post of a replay that has told the saga up to `replay_day` (ISO, or None at the start)."""
    step = plan_replay(index).find_next_step(replay_day)
    return compose_closing_post(index, locale) if step is None else compose_step_post(index, locale, step)


def compose_step_post(index: SagaIndex, locale: Locale, step: ReplayStep) -> Post:
    """The post of one step of the replay: its days in the title, once; a line per event, each
    ranged one marked with its range; in a post of several days, each line with its day."""
    first, last = step.days[0], step.days[-1]
    # The key names the step by its days: the same post whatever the day it goes out, and
    # another key when the plan groups days otherwise (an older "Saturday to Monday" post is
    # not this "Saturday and Sunday" one, so a replay under way never skips Monday).
    span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
    key, days = f"{REPLAY}:{span}", tuple(day.isoformat() for day in step.days)
    if step.after:
        before = first - timedelta(days=1)
        lines = tuple(build_line(index, event, locale, _phrase_whole_date(event, locale)) for event in step.events)
        return Post(key, REPLAY, locale, say("recap.title.after", locale, day=phrase_day(before, locale)), lines, (),
                    pick_quiz_event(index, step.events), days, intro=(say("recap.after.intro", locale, day=phrase_day(before, locale)),))
    several = len(step.days) > 1
    lines = tuple(build_line(index, event, locale, _phrase_when(event, locale, several),
                             (event.date.end or "")[:10] if several else None) for event in step.events)
    intro = (say("recap.merged", locale),) if several else ()
    return Post(key, REPLAY, locale, say("recap.title.day", locale, day=phrase_days(first, last, locale)), lines, (),
                pick_quiz_event(index, step.events), days, intro=intro)


def compose_closing_post(index: SagaIndex, locale: Locale) -> Post:
    """The replay's last post: the background (what may have begun before its first day and has
    no day of its own), where the saga ended, how to start again."""
    plan = plan_replay(index)
    events = plan.closing
    lines = tuple(build_line(index, event, locale, _phrase_whole_date(event, locale)) for event in events)
    intro: tuple[str, ...] = ()
    if events and plan.first_day is not None:
        intro = (say("recap.closing.intro", locale, day=phrase_day(plan.first_day, locale)),)
    notes = []
    ended = _describe_where_it_ended(index, locale)
    if ended:
        notes.append(say("recap.closing.ended", locale, holders=ended))
    notes.append(say("recap.closing.restart", locale))
    return Post(REPLAY_END_KEY, REPLAY, locale, say("recap.title.closing", locale), lines, tuple(notes),
                pick_quiz_event(index, events), (), True, intro)


def find_day_preview(index: SagaIndex, locale: Locale, day: date) -> DayPreview | None:
    """What the replay sends for `day`: the post that tells it (alone, with other days, or after
    the last day), or the closing post for a day before the first; None for a day no post tells."""
    plan = plan_replay(index)
    step = plan.find_step(day)
    if step is not None:
        telling: Literal["day", "merged", "after"] = "after" if step.after else "merged" if len(step.days) > 1 else "day"
        return DayPreview(compose_step_post(index, locale, step), telling)
    if plan.first_day is None or day < plan.first_day:
        return DayPreview(compose_closing_post(index, locale), "before")
    return None


def phrase_days(first: date, last: date, locale: Locale) -> str:
    """'Friday 17 November 2023', 'Saturday 18 and Sunday 19 November 2023', « du samedi 18 au lundi 20 novembre 2023 »."""
    if first == last:
        return phrase_day(first, locale)
    start = phrase_day(first, locale)
    if (first.year, first.month) == (last.year, last.month):
        start = _phrase_short_day(first, locale)
    key = "recap.days.two" if (last - first).days == 1 else "recap.days.span"
    return say(key, locale, start=start, end=phrase_day(last, locale))


def list_anniversary_days(index: SagaIndex) -> frozenset[tuple[int, int]]:
    """(month, day) of every saga day with events of its own: the days an anniversary posts."""
    cached = index.cache.get("recap:anniversary_days")
    if cached is None:
        cached = frozenset((day.month, day.day) for step in plan_replay(index).steps for day in step.days
                           if list_day_events(index, day))
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


def _phrase_when(event: Event, locale: Locale, several: bool) -> str | None:
    """When an event of a day's post happened, as far as the title does not say it: its range
    ('between Sunday 19 and Monday 20 November 2023'), its time ('around 12:30 (Pacific time)'),
    and in a post of several days its day ('Sunday 19, around 12:30 (Pacific time)')."""
    if event.date.precision not in ("day", "minute"):
        return _phrase_whole_date(event, locale)
    time = phrase_time_of_day(event, locale)
    if not several:
        return time
    day = _phrase_short_day(date.fromisoformat(event.date.iso[:10]), locale)
    return say("recap.when.day_time", locale, day=day, time=time) if time else day


def _phrase_short_day(day: date, locale: Locale) -> str:
    """'Sunday 19', « mercredi 1er »: a day of a month the title already names."""
    return phrase_day(day, locale).rsplit(" ", 2)[0]


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
