"""When did this happen? Choices are days around the event's day (or months, or years, at the
precision the articles give), worded as the answering engine words dates."""
from __future__ import annotations

import random
from datetime import date as Day
from datetime import timedelta
from functools import partial

from ...answering.index import Event, SagaIndex
from ...answering.phrasing import phrase_date
from ...saga.dates import parse_point
from ..eligibility import ANONYMOUS_PREFIX, is_settled, measure_obscurity, names_a_date, overlap
from ..explain import word_stem, explain_event, word_both
from ..questions import Choice, Difficulty, Passage, Question
from .base import Candidate, assemble, pick_by_closeness

# How far the wrong dates may be, in days, months or years from the right one.
SPREAD = 6


def list_when_candidates(index: SagaIndex) -> list[Candidate]:
    """Settled events dated to a day (a time counts as its day), a month or a year, whose summary
    does not say the date itself."""
    candidates = []
    for event in index.events:
        point = find_askable_date(event)
        if point is None or not is_settled(index, event):
            continue
        if names_a_date(event.summary["fr"]) or names_a_date(event.summary["en"]):
            continue
        if event.actors and all(actor.startswith(ANONYMOUS_PREFIX) for actor in event.actors):
            continue  # a remark to a reporter is dated by the article, not by the words: no "when?" on it
        nearby = [iso for iso in list_nearby_dates(point) if not _is_twin_date(index, event, iso)]
        candidates.append(Candidate(f"when:{event.id}", "when", event.id, measure_obscurity(index, event),
                                    partial(_make, index, event, point, nearby)))
    return candidates


def _is_twin_date(index: SagaIndex, event: Event, iso: str) -> bool:
    """Whether one of the event's actors did the same kind of thing on that date too: Nadella
    pledged Microsoft's commitment to OpenAI on Friday *and* on Monday, so for either statement
    the other day could pass for a right answer."""
    moment = parse_point(iso)
    return any(other.id != event.id and other.action == event.action and set(other.actors) & set(event.actors)
               and overlap(other.date, moment) for other in index.events)


def find_askable_date(event: Event) -> str | None:
    """The date to ask for: the day of a time, a day, a month or a year; None for a range or a
    day the articles only give roughly."""
    precision = event.date.precision
    if precision == "minute":
        return event.date.iso[:10]  # « vers 13 h 30 » is rough about the hour, not the day
    if precision in ("day", "month", "year") and not event.approximate:
        return event.date.iso
    return None


def list_nearby_dates(iso: str) -> list[str]:
    """Dates at the same precision as `iso`, closest first (tomorrow before yesterday before the day after)."""
    nearby = []
    for distance in range(1, SPREAD + 1):
        for sign in (1, -1):
            nearby.append(_shift(iso, sign * distance))
    return nearby


def _shift(iso: str, steps: int) -> str:
    if len(iso) == 4:
        return f"{int(iso) + steps:04d}"
    if len(iso) == 7:
        months = int(iso[:4]) * 12 + int(iso[5:7]) - 1 + steps
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return (Day.fromisoformat(iso) + timedelta(days=steps)).isoformat()


def _make(index: SagaIndex, event: Event, point: str, nearby: list[str], rng: random.Random,
          difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    def dated(iso: str) -> Choice:
        moment = parse_point(iso)
        return Choice(iso, moment.precision, {locale: phrase_date(moment, locale) for locale in ("fr", "en")})

    wrong = [dated(iso) for iso in pick_by_closeness(rng, nearby, difficulty)]
    prompt = word_stem(rng, "quiz.ask.when", lambda locale: {"text": event.summary[locale]})
    explanation = word_both(lambda locale: "\n".join(explain_event(index, event, locale)))
    passages = [Passage(source.article, source.quote) for source in event.sources]
    return assemble(rng, f"when:{event.id}", "when", difficulty, prompt, dated(point), wrong, explanation, event.id, passages,
                    measure_obscurity(index, event), asked={"event": event.id, "date": point})
