"""Which of these came first (or last)? Four settled events of the saga's own days whose dates
cannot overlap and lie clearly apart, so the order is certain whatever the articles' precision;
close dates make it hard, far ones easy. Background events (1985, the summer before) are left
out: beside one November event they would give the answer away."""
from __future__ import annotations

import itertools
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
# A put-in-order question shows three events, lettered, and tries this many middle events.
SEQUENCE_LETTERS = ("A", "B", "C")
SEQUENCE_TRIES = 5
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
        # Put three in order: from this event, through two that each come clearly after the one before.
        later = sorted((other for other in events if is_clearly_before(event, other)),
                       key=lambda other: (_measure_gap(event, other), other.position))
        if any(is_clearly_before(middle, last) for middle in later for last in later):
            candidates.append(Candidate(f"order:sequence:{event.id}", "order", event.id, measure_obscurity(index, event),
                                        partial(_make_sequence, index, event, later)))
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


def _make_sequence(index: SagaIndex, first: Event, later: list[Event], rng: random.Random, difficulty: Difficulty,
                   taken: frozenset[str] = frozenset()) -> Question | None:
    """Three events lettered in a random order; the choices are four orders of the letters."""
    usable = [event for event in later if event.id not in taken]
    for middle in pick_by_closeness(rng, usable, difficulty, count=min(len(usable), SEQUENCE_TRIES)):
        lasts = [event for event in usable if is_clearly_before(middle, event)]
        if lasts:
            return _word_sequence(index, (first, middle, pick_by_closeness(rng, lasts, difficulty, count=1)[0]), rng, difficulty)
    return None


def _word_sequence(index: SagaIndex, ordered: tuple[Event, Event, Event], rng: random.Random,
                   difficulty: Difficulty) -> Question | None:
    shown = list(ordered)
    rng.shuffle(shown)
    letters = {event.id: letter for letter, event in zip(SEQUENCE_LETTERS, shown)}
    orders = list(itertools.permutations(ordered))
    right = orders.pop(0)
    wrong = rng.sample(orders, CHOICE_COUNT - 1)

    def sequence(events: tuple[Event, ...]) -> Choice:
        label = " → ".join(letters[event.id] for event in events)
        return Choice(",".join(event.id for event in events), "sequence", {"fr": label, "en": label})

    def ask(locale: Locale) -> dict[str, str]:
        return {"events": "\n".join(say("quiz.sequence.item", locale, letter=letters[event.id], summary=event.summary[locale])
                                    for event in shown)}

    def explain(locale: Locale) -> str:
        return "\n".join(say("quiz.explain.order", locale, rank=rank, date=phrase_date(event.date, locale, event.approximate),
                             summary=event.summary[locale]) for rank, event in enumerate(ordered, start=1))

    passages = [Passage(event.sources[0].article, event.sources[0].quote) for event in ordered if event.sources]
    prompt = word_stem(rng, "quiz.ask.order_sequence", ask)
    return assemble(rng, f"order:sequence:{ordered[0].id}", "order", difficulty, prompt, sequence(right),
                    [sequence(order) for order in wrong], word_both(explain), ordered[0].id, passages,
                    measure_obscurity(index, ordered[0]), related_events=[event.id for event in ordered[1:]],
                    asked={"direction": "sequence"})
