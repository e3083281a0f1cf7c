"""Who said this? A verbatim quote (in French, with the English translation marked as such for
English readers); choices are others the articles quote, or people of the saga."""
from __future__ import annotations

import random
from functools import partial

from rapidfuzz import fuzz

from ...answering.index import Entity, Quote, SagaIndex
from ...answering.normalize import Locale, split_words
from ...messages import say
from ..eligibility import are_related, classify_entity, is_settled, list_class_members, measure_obscurity, overlap
from ..explain import word_stem, explain_event, phrase_passage, word_both
from ..masking import still_names
from ..questions import Choice, Difficulty, Passage, Question
from .base import WRONG_COUNT, Candidate, assemble, pick_by_closeness

# Shorter quotes (« nécessaire », « vérifié ») say too little to recognise anyone.
MIN_WORDS = 5
# Two wordings this close are the same words reported by two articles.
SAME_WORDS = 85


def list_quote_candidates(index: SagaIndex) -> list[Candidate]:
    """One candidate per quote with a single named speaker, of a settled event, that does not
    name its speaker."""
    candidates = []
    for quote in index.quotes:
        speaker = index.entities.get(quote.speakers[0]) if len(quote.speakers) == 1 else None
        if speaker is None or classify_entity(speaker) is None or len(split_words(quote.text)) < MIN_WORDS:
            continue
        if quote.fragment:
            continue  # a piece of a sentence (« d'administration pour commercialiser nos modèles ») says too little
        event = index.events_by_id.get(quote.event_id or "")
        if event is not None and not is_settled(index, event):
            continue
        if still_names(quote.text, (speaker.name, *speaker.aliases)) or still_names(quote.en, (speaker.name, *speaker.aliases)):
            continue  # « Le conseil d'administration reste pleinement engagé » answers itself
        ranked = _rank_distractors(index, quote, speaker)
        if len(ranked) < WRONG_COUNT:
            continue
        # The same words reported by two articles are one question.
        key = f"quote:{quote.event_id or quote.id}:{' '.join(split_words(quote.text))[:60]}"
        candidates.append(Candidate(key, "quote", quote.event_id, measure_obscurity(index, event, (speaker.id,)),
                                    partial(_make, index, quote, speaker, ranked, key)))
    return candidates


def _rank_distractors(index: SagaIndex, quote: Quote, speaker: Entity) -> list[Entity]:
    """Entities of the speaker's class who did not say it, those quoted around the same time first."""
    # Whoever the articles credit with (nearly) the same words would be a second right answer.
    echoes = {other_speaker for other in index.quotes if fuzz.ratio(quote.words_fr, other.words_fr) >= SAME_WORDS
              for other_speaker in other.speakers}
    # The quote's co-authors (a post Sutskever and Leike wrote together) would be right too.
    event = index.events_by_id.get(quote.event_id or "")
    authors = set(event.actors) if event is not None else set()
    pool = [entity for entity in list_class_members(index, classify_entity(speaker) or "")
            if entity.id not in echoes and entity.id not in authors and not are_related(index, entity.id, speaker.id)
            # someone the quote itself names is no credible speaker of it
            and not still_names(quote.text, (entity.name, *entity.aliases))]

    def closeness(entity: Entity) -> int:
        said = [other for other in index.quotes if entity.id in other.speakers]
        return 2 * sum(overlap(other.date, quote.date) for other in said) + len(said)

    return sorted(pool, key=lambda entity: (-closeness(entity), entity.id))


def _make(index: SagaIndex, quote: Quote, speaker: Entity, ranked: list[Entity], key: str, rng: random.Random,
          difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    def name(entity: Entity) -> Choice:
        return Choice(entity.id, classify_entity(entity) or "", {"fr": entity.names.get("fr", entity.name), "en": entity.name})

    stems = word_stem(rng, "quiz.ask.quote", lambda locale: {"text": quote.text})

    def ask(locale: Locale) -> str:
        text = stems[locale]
        return text + "\n" + say("translation", locale, text=f"“{quote.en}”") if locale == "en" and quote.en else text

    def explain(locale: Locale) -> str:
        lines = [phrase_passage(index, quote.article, quote.text, locale)]
        event = index.events_by_id.get(quote.event_id or "")
        if event is not None:
            lines[:0] = explain_event(index, event, locale)[:1]
        return "\n".join(lines)

    wrong = [name(entity) for entity in pick_by_closeness(rng, ranked, difficulty)]
    event = index.events_by_id.get(quote.event_id or "")
    return assemble(rng, key, "quote", difficulty, word_both(ask), name(speaker), wrong, word_both(explain), quote.event_id,
                    [Passage(quote.article, quote.text)], measure_obscurity(index, event, (speaker.id,)), asked={"quote": quote.id})
