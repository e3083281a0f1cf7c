"""How many? The event's summary with its number blanked; choices are numbers of the same
unit: other figures of the articles first, then nearby ones."""
from __future__ import annotations

import random
from functools import partial

from ...answering.index import Event, Figure, SagaIndex
from ...answering.normalize import Locale
from ...answering.phrasing import phrase_figure, phrase_number
from ...messages import say
from ..eligibility import is_settled, measure_obscurity
from ..explain import word_stem, explain_event, phrase_passage, word_both
from ..masking import mask_number
from ..questions import Choice, Difficulty, Passage, Question
from .base import Candidate, assemble, pick_by_closeness

# Wrong numbers made from the right one, closest first: a hard question offers 3 for 4.
_NEAR_FACTORS = (0.75, 1.25, 1.5, 0.5, 2, 3, 0.25, 5, 10, 0.1)
_NEAR_STEPS = (1, -1, 2, -2, 3)


def list_figure_candidates(index: SagaIndex) -> list[Candidate]:
    """One candidate per figure the articles agree on, stated plainly, whose number the
    summary of its event says (and so can be blanked) in both languages."""
    competing = _list_competing_measures(index)
    candidates = []
    for event in index.events:
        if not is_settled(index, event):
            continue
        for figure in event.figures:
            if figure.hedged or figure.measure in competing or figure.value == 1:
                continue
            masked = {locale: mask_number(event.summary[locale], figure.value, locale) for locale in ("fr", "en")}
            if any(count != 1 for _, count in masked.values()):
                continue
            texts = {locale: text for locale, (text, _) in masked.items()}
            key = f"figures:{figure.measure}"
            candidates.append(Candidate(key, "figures", event.id, measure_obscurity(index, event),
                                        partial(_make, index, event, figure, texts, _rank_numbers(index, figure), key)))
    return candidates


def _list_competing_measures(index: SagaIndex) -> set[str]:
    """Measures the articles give several values for (505 and « près de 500 » signatories)."""
    values: dict[str, set[float]] = {}
    for event in index.events:
        for figure in event.figures:
            values.setdefault(figure.measure, set()).add(figure.value)
    return {measure for measure, found in values.items() if len(found) > 1}


def _rank_numbers(index: SagaIndex, figure: Figure) -> list[float]:
    """Wrong numbers, closest first: the articles' other figures of the unit (within a factor of
    ten), then numbers near the right one."""
    value = figure.value
    same_unit = sorted({other.value for event in index.events for other in event.figures
                        if other.unit == figure.unit and other.measure != figure.measure and value / 10 <= other.value <= value * 10},
                       key=lambda other: (abs(other - value), other))
    near = [value + step for step in _NEAR_STEPS] if value < 20 else [round(value * factor) for factor in _NEAR_FACTORS]
    near += [round(value * factor) for factor in _NEAR_FACTORS]
    ranked: list[float] = []
    for number in [*same_unit, *near]:
        # Never 1 for a plural noun: "___ new directors" would rule it out by grammar alone.
        if number > 1 and number != value and float(number).is_integer() and number not in ranked:
            ranked.append(float(number))
    return ranked


def _make(index: SagaIndex, event: Event, figure: Figure, texts: dict[str, str], ranked: list[float], key: str,
          rng: random.Random, difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    def number(value: float) -> Choice:
        return Choice(f"{value:.0f}" if float(value).is_integer() else f"{value}", figure.unit, {locale: phrase_number(value, locale) for locale in ("fr", "en")})

    def explain(locale: Locale) -> str:
        lines = explain_event(index, event, locale, passage=None)[:1]
        lines.append(say("quiz.explain.figure", locale, figure=phrase_figure(figure, locale)))
        lines.append(phrase_passage(index, figure.article, figure.quote, locale))
        return "\n".join(lines)

    # No date in the stem: "(Monday 20 November)" would put a number beside the blank.
    prompt = word_stem(rng, "quiz.ask.figures", lambda locale: {"text": texts[locale]})
    wrong = [number(value) for value in pick_by_closeness(rng, ranked, difficulty)]
    return assemble(rng, key, "figures", difficulty, prompt, number(figure.value), wrong, word_both(explain), event.id,
                    [Passage(figure.article, figure.quote)], measure_obscurity(index, event),
                    asked={"measure": figure.measure, "unit": figure.unit})
