"""Which of these came first (or last)? Four settled events whose dates cannot overlap, so the
order is certain whatever the articles' precision; close dates make it hard, far ones easy."""
from __future__ import annotations

import itertools
import random
from datetime import datetime
from functools import partial
from typing import Literal

from ...answering.index import Event, SagaIndex
from ...answering.normalize import Locale
from ...answering.phrasing import phrase_date
from ...messages import say
from ..eligibility import is_settled, measure_obscurity, names_a_date, overlap
from ..explain import phrase_passage, word_both
from ..questions import CHOICE_COUNT, Choice, Difficulty, Passage, Question
from .base import Candidate, assemble, pick_by_closeness
from .when import find_askable_date

Direction = Literal["first", "last"]


def list_order_candidates(index: SagaIndex) -> list[Candidate]:
    """One candidate per settled event that can come first among three later ones, or last
    among three earlier ones."""
    events = [event for event in index.events if find_askable_date(event) and is_settled(index, event)
              and not names_a_date(event.summary["fr"]) and not names_a_date(event.summary["en"])]
    periods = _group_overlapping(events)
    candidates = []
    for position, period in enumerate(periods):
        for direction in ("first", "last"):
            others = range(position + 1, len(periods)) if direction == "first" else range(position)
            # Sets of three other periods, closest first: a hard question compares nearby dates.
            sets = sorted(itertools.combinations(others, CHOICE_COUNT - 1),
                          key=lambda picked: (max(abs(_span(periods[position], periods[i])) for i in picked), picked))
            if not sets:
                continue
            for event in period:
                candidates.append(Candidate(f"order:{direction}:{event.id}", "order", event.id, measure_obscurity(index, event),
                                            partial(_make, index, event, direction, [[periods[i] for i in picked] for picked in sets])))
    return candidates


def _group_overlapping(events: list[Event]) -> list[list[Event]]:
    """Events in date order, grouped where their dates may overlap: two events of different
    groups are certainly in that order."""
    groups: list[list[Event]] = []
    for event in sorted(events, key=lambda event: (event.date.sort_key(), event.position)):
        if groups and any(overlap(event.date, other.date) for other in groups[-1]):
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups


def _span(first: list[Event], other: list[Event]) -> float:
    """Days from the start of one group to the start of another."""
    start = datetime.fromisoformat(first[0].date.start or "0001-01-01T00:00")
    end = datetime.fromisoformat(other[0].date.start or "9999-12-31T23:59")
    return (end - start).total_seconds() / 86400


def _make(index: SagaIndex, asked: Event, direction: Direction, other_sets: list[list[list[Event]]], rng: random.Random,
          difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    # Only periods with an event the quiz does not ask about elsewhere: the reveal gives its date.
    usable = [[[event for event in period if event.id not in taken] for period in periods] for periods in other_sets]
    picked = pick_by_closeness(rng, [periods for periods in usable if all(periods)], difficulty, count=1)
    if not picked:
        return None
    others = [rng.choice(period) for period in picked[0]]
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
    prompt = word_both(lambda locale: say(f"quiz.ask.order_{direction}", locale))
    return assemble(rng, f"order:{direction}:{asked.id}", "order", difficulty, prompt, summary(asked),
                    [summary(event) for event in others], word_both(explain), asked.id, passages,
                    measure_obscurity(index, asked), related_events=[event.id for event in others], asked={"direction": direction})
