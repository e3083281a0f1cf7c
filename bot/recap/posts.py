"""A recap post in data: a title, the events as lines (time, actors, summary, source), notes,
the post's language, and one event a "question of the day" can be asked about.

Posts are plain dataclasses, worded already (the subscription's language is known when the
post is made) but not laid out: `bot.recap.layout` fits them into Discord's limits, the
Discord adapter turns them into an embed. A post also travels as JSON in the delivery record,
so a post resent after a crash is byte for byte the one that was being sent.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ..answering.index import Event, SagaIndex
from ..answering.normalize import Locale
from ..answering.phrasing import join_names, name_articles, phrase_source_list
from ..messages import has, say
from ..saga.calendar import ANCHOR

REPLAY, ANNIVERSARY, DIGEST = "replay", "anniversary", "digest"
MODES = (REPLAY, ANNIVERSARY, DIGEST)


@dataclass(frozen=True)
class PostLine:
    """One event of a post."""

    event_id: str
    # the time of day for a day's post ('vers 12 h 30 (heure du Pacifique)'), a whole date for
    # the digest and the closing post, None when the articles give no time that day
    when: str | None
    actors: tuple[str, ...]
    summary: str
    source: str
    articles: tuple[str, ...]
    # the summary already names every actor: a layout may leave the names out
    names_actors: bool
    # how much the line matters when a post must be cut to fit (turning points weigh most)
    weight: float
    # the saga day (ISO) the line is told on in a post of several days, so that a post cut to fit
    # keeps something of each day
    day: str | None = None
    # a turning point of the saga (`key` in the data): posts lead with these
    key: bool = False


@dataclass(frozen=True)
class Post:
    """One recap message, ready to lay out."""

    # the delivery key: at most one post per subscription and key ('replay:2023-11-17',
    # 'replay:end', 'anniversary:2024-11-17', 'digest:2024-03-05')
    key: str
    mode: str
    locale: Locale
    title: str
    lines: tuple[PostLine, ...]
    notes: tuple[str, ...] = ()
    quiz_event_id: str | None = None
    # the saga days the post tells, ISO ('2023-11-17'); empty for the digest and the closing post
    days: tuple[str, ...] = ()
    # the replay's closing post: the subscription ends once it is out
    final: bool = False
    # what the post says before its lines ('Little news on these days: …'); notes come after them
    intro: tuple[str, ...] = ()

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(line.event_id for line in self.lines)


def serialise_post(post: Post) -> str:
    """The post as JSON, to store with its delivery."""
    return json.dumps(asdict(post), ensure_ascii=False, sort_keys=True)


def read_post(text: str) -> Post:
    """The post `serialise_post` wrote."""
    data: dict[str, Any] = json.loads(text)
    lines = tuple(PostLine(**{**line, "actors": tuple(line["actors"]), "articles": tuple(line["articles"])})
                  for line in data["lines"])
    # A post stored before `intro` existed has none.
    return Post(**{**data, "lines": lines, "notes": tuple(data["notes"]), "days": tuple(data["days"]),
                   "intro": tuple(data.get("intro", ()))})


# A recap line names this many articles, then counts the rest: a post has room for events, not
# for five outlets on each (every source is one click away, in /source and /timeline).
LINE_SOURCES = 2


def phrase_short_sources(index: SagaIndex, event: Event, locale: Locale) -> str:
    """'sources: Business Insider; FredZone; 3 more'."""
    names = name_articles(index, event.sources, locale)
    if len(names) > LINE_SOURCES:
        names = (*names[:LINE_SOURCES], say("source.more", locale, count=len(names) - LINE_SOURCES))
    return phrase_source_list(names, locale)


def build_line(index: SagaIndex, event: Event, locale: Locale, when: str | None, day: str | None = None) -> PostLine:
    """The line of one event: its actors, summary (marked when only reported) and sources."""
    summary = event.summary[locale]
    if event.hedged:
        summary = f"{summary} {say('hedged', locale)}"
    names = tuple(index.name(actor, locale) for actor in event.actors)
    return PostLine(
        event_id=event.id,
        when=when,
        actors=names,
        summary=summary,
        source=phrase_short_sources(index, event, locale),
        articles=tuple(sorted({source.article for source in event.sources})),
        names_actors=_names_every_actor(index, event, summary),
        weight=weigh_event(index, event),
        day=day,
        key=event.key,
    )


def phrase_time_of_day(event: Event, locale: Locale) -> str | None:
    """'vers 12 h 30 (heure du Pacifique)' / 'around 12:30 (Pacific time)' for an event dated to
    the minute; None for one dated to the day."""
    if event.date.precision != "minute":
        return None
    iso = event.date.iso
    clock, offset = iso[11:16], iso[16:] or "+00:00"
    offset = "+00:00" if offset == "Z" else offset
    zone = say(f"zone.{offset}", locale) if has(f"zone.{offset}") else f"UTC{offset}"
    shown = clock.replace(":", " h ") if locale == "fr" else clock
    return say("recap.time_about" if event.approximate else "recap.time", locale, time=shown, zone=zone)


def join_actor_names(line: PostLine, locale: Locale) -> str:
    """'OpenAI board', 'Sam Altman et Greg Brockman'."""
    return join_names(list(line.actors), locale)


def weigh_event(index: SagaIndex, event: Event) -> float:
    """Turning points first, then what most articles report; reported-only news and the
    background (what may have begun before the saga) last."""
    weight = 3.0 if event.key else 0.0
    weight += len({source.article for source in event.sources})
    weight += 0.5 if event.date.precision == "minute" else 0.0
    weight -= 1.0 if event.hedged else 0.0
    weight -= 0.0 if is_in_saga(event) else 2.0
    return weight


def pick_quiz_event(index: SagaIndex, events: list[Event] | tuple[Event, ...]) -> str | None:
    """One event of the post a quiz question can be asked about: confirmed (not only reported),
    not disputed between the articles, with someone who did it; the weightiest, then the earliest."""
    disputed = {event_id for dispute in index.disputes for event_id in dispute.events}
    eligible = [event for event in events if not event.hedged and event.id not in disputed and event.actors]
    if not eligible:
        return None
    return max(eligible, key=lambda event: (weigh_event(index, event), -event.position)).id


def is_in_saga(event: Event) -> bool:
    """The event happened (or may have happened) from the saga's first day on, not before it."""
    # An open start ("by Friday 17 at the latest") is background, not the saga itself.
    return event.date.start is not None and event.date.start[:10] >= ANCHOR.isoformat()


def _names_every_actor(index: SagaIndex, event: Event, summary: str) -> bool:
    folded = summary.casefold()
    for actor in event.actors:
        entity = index.entities.get(actor)
        spellings = (entity.name, *entity.aliases) if entity else (actor,)
        if not any(spelling.casefold() in folded for spelling in spellings if len(spelling) > 2):
            return False
    return bool(event.actors)
