"""Which of these came first (or last)? Four settled events of the saga's own days whose dates
cannot overlap and lie clearly apart, so the order is certain whatever the articles' precision;
close dates make it hard, far ones easy. Background events (1985, the summer before) are left
out: beside one November event they would give the answer away."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from ...answering.index import Event, SagaIndex
from ...answering.normalize import Locale
from ...answering.phrasing import phrase_date
from ...messages import say
from ..eligibility import is_settled, measure_obscurity, names_a_date
from ..explain import word_stem, phrase_passage, word_both
from ..questions import CHOICE_COUNT, Choice, Difficulty, Passage, Question
from .base import Candidate, assemble, pick_by_closeness

Direction = Literal["first", "last"]
# Two events closer than this are not asked in order: "12:30" against "around 13:00" is no quiz.
CLEAR_GAP = timedelta(hours=1)


def list_order_candidates(index: SagaIndex) -> list[Candidate]:
    """One candidate per settled event of the saga's days that comes clearly before three others
    (which came first?) or clearly after three others (which came last?). The three need not be
    in order among themselves: only the answer's place is asked."""
    calendar = index.calendar
    events = [event for event in index.events if is_settled(index, event) and event.date.start and event.date.end
              and calendar is not None and calendar.contains(event.date.start) and calendar.contains(event.date.end)
              and not names_a_date(event.summary["fr"]) and not names_a_date(event.summary["en"])]
    candidates = []
    for event in events:
        for direction in ("first", "last"):
            others = [other for other in events if other.id != event.id
                      and (is_clearly_before(event, other) if direction == "first" else is_clearly_before(other, event))]
            if len({other.summary["en"] for other in others}) < CHOICE_COUNT - 1:
                continue
            # Closest first: a hard question sets the answer against events just after (or before) it.
            others.sort(key=lambda other: (abs(_measure_gap(event, other)), other.position))
            candidates.append(Candidate(f"order:{direction}:{event.id}", "order", event.id, measure_obscurity(index, event),
                                        partial(_make, index, event, direction, others)))
    return candidates


def is_clearly_before(earlier: Event, later: Event) -> bool:
    """Whether `earlier` ends before `later` may start, on another day or an hour apart at least:
    the order is certain whatever the articles' precision."""
    end, start = earlier.date.end, later.date.start
    if end is None or start is None or start <= end:
        return False
    return start[:10] != end[:10] or datetime.fromisoformat(start) - datetime.fromisoformat(end) >= CLEAR_GAP


def _measure_gap(event: Event, other: Event) -> float:
    """Days from the start of one event to the start of the other."""
    start = datetime.fromisoformat(event.date.start or "0001-01-01T00:00")
    end = datetime.fromisoformat(other.date.start or "9999-12-31T23:59")
    return (end - start).total_seconds() / 86400


def _make(index: SagaIndex, asked: Event, direction: Direction, ranked: list[Event], rng: random.Random,
          difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    # Only events the quiz does not ask about elsewhere: the reveal gives their dates.
    others = pick_by_closeness(rng, [event for event in ranked if event.id not in taken], difficulty)
    if not others:
        return None
    ordered = sorted([asked, *others], key=lambda event: event.date.sort_key())

    def summary(event: Event) -> Choice:
        return Choice(event.id, "event", {"fr": event.summary["fr"], "en": event.summary["en"]})

    def explain(locale: Locale) -> str:
        lines = [say("quiz.explain.order", locale, rank=rank, date=phrase_date(event.date, locale, event.approximate),
                     summary=event.summary[locale]) for rank, event in enumerate(ordered, start=1)]
        if asked.sources:  # the asked event's own words, as every reveal gives them
            lines.append(phrase_passage(index, asked.sources[0].article, asked.sources[0].quote, locale))
        return "\n".join(lines)

    passages = [Passage(event.sources[0].article, event.sources[0].quote) for event in ordered if event.sources]
    prompt = word_stem(rng, f"quiz.ask.order_{direction}", lambda locale: {})
    return assemble(rng, f"order:{direction}:{asked.id}", "order", difficulty, prompt, summary(asked),
                    [summary(event) for event in others], word_both(explain), asked.id, passages,
                    measure_obscurity(index, asked), related_events=[event.id for event in others], asked={"direction": direction})
