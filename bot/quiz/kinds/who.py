"""Who did this? The event's own summary with the actor blanked; choices are people of the saga
(or organisations and groups, when an organisation or a group acted)."""
from __future__ import annotations

import random
from functools import partial

from ...answering.index import Entity, Event, SagaIndex
from ...answering.phrasing import phrase_date
from ..eligibility import are_related, classify_entity, is_settled, list_class_members, measure_obscurity, overlap
from ..explain import word_stem, explain_event, word_both
from ..masking import mask_names, still_names
from ..questions import Choice, Difficulty, Passage, Question
from .base import WRONG_COUNT, Candidate, assemble, pick_by_closeness


def list_who_candidates(index: SagaIndex) -> list[Candidate]:
    """One candidate per settled event with a single actor of its class that its summary names."""
    candidates = []
    for event in index.events:
        answer = _find_answer(index, event) if is_settled(index, event) else None
        if answer is None:
            continue
        phrases = (answer.name, *answer.aliases)
        masked = {locale: mask_names(event.summary[locale], phrases) for locale in ("fr", "en")}
        if any(count == 0 or still_names(text, phrases) for text, count in masked.values()):
            continue  # a summary that does not name the actor, or still does after blanking
        texts = {locale: text for locale, (text, _) in masked.items()}
        # Someone the sentence itself names ("… follows Sam Altman to Microsoft") is no credible blank.
        ranked = [entity for entity in _rank_distractors(index, event, answer)
                  if not any(still_names(text, (entity.name, *entity.aliases, *entity.names.values())) for text in texts.values())]
        if len(ranked) < WRONG_COUNT:
            continue
        candidates.append(Candidate(f"who:{event.id}", "who", event.id, measure_obscurity(index, event, (answer.id,)),
                                    partial(_make, index, event, answer, texts, ranked)))
    return candidates


def _find_answer(index: SagaIndex, event: Event) -> Entity | None:
    """The actor to ask for: the only one of its class among the event's actors, a person first."""
    actors = [index.entities[actor] for actor in event.actors if actor in index.entities]
    for category in ("person", "collective"):
        found = [entity for entity in actors if classify_entity(entity) == category]
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _rank_distractors(index: SagaIndex, event: Event, answer: Entity) -> list[Entity]:
    """Entities of the answer's class that did not do it, closest to the event first."""
    # Whoever did the same to the same people around the same time would be a second right answer.
    twins = {actor for other in index.events if other.action == event.action and overlap(other.date, event.date)
             and (set(other.targets) & set(event.targets) or not (other.targets or event.targets)) for actor in other.actors}
    excluded = set(event.entities) | twins
    pool = [entity for entity in list_class_members(index, classify_entity(answer) or "")
            if entity.id not in excluded and not any(are_related(index, entity.id, actor) for actor in event.actors)]
    return sorted(pool, key=lambda entity: (-_measure_closeness(index, event, answer.id, entity.id), entity.id))


def _measure_closeness(index: SagaIndex, event: Event, answer_id: str, other_id: str) -> int:
    """How plausible `other` is: acting around the same time, and alongside the answer."""
    around = sum(1 for other in index.events if other_id in other.actors and overlap(other.date, event.date))
    together = sum(1 for other in index.events if other_id in other.entities and answer_id in other.entities)
    return around + 2 * together


def _make(index: SagaIndex, event: Event, answer: Entity, texts: dict[str, str], ranked: list[Entity],
          rng: random.Random, difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    def name(entity: Entity) -> Choice:
        return Choice(entity.id, classify_entity(entity) or "", {"fr": entity.names.get("fr", entity.name), "en": entity.name})

    wrong = [name(entity) for entity in pick_by_closeness(rng, ranked, difficulty)]
    prompt = word_stem(rng, "quiz.ask.who", lambda locale: {
        "text": texts[locale], "date": phrase_date(event.date, locale, event.approximate, compact=True)})
    explanation = word_both(lambda locale: "\n".join(explain_event(index, event, locale)))
    passages = [Passage(source.article, source.quote) for source in event.sources]
    return assemble(rng, f"who:{event.id}", "who", difficulty, prompt, name(answer), wrong, explanation, event.id, passages,
                    measure_obscurity(index, event, (answer.id,)), asked={"event": event.id})
