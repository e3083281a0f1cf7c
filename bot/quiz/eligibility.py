"""What a quiz may ask about, and how obscure it is.

A question must have exactly one right answer that the articles do not contest: nothing from an
event the articles dispute (`dispute_events`) or report as hearsay (hedged), and no anonymous
source as an answer. Obscurity (0 well known … 1 obscure) sets the difficulty.
"""
from __future__ import annotations

import math
import re

from ..answering.index import Entity, Event, SagaIndex
from ..answering.normalize import split_words
from ..saga.dates import SagaDate

# Who-questions choose among people, or among organisations and groups: never a mix, which
# would give the answer away by its kind.
ENTITY_CLASSES = {"person": "person", "organisation": "collective", "group": "collective", "media": "collective"}
# The articles' anonymous sources ("unnamed Microsoft employee") are no answer to "who?".
ANONYMOUS_PREFIX = "unnamed-"
_DATE_WORDS = re.compile(
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|février|mars|avril|mai|juin|juillet|août|"
    r"septembre|octobre|novembre|décembre|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|"
    r"february|march|april|may|june|july|august|september|october|november|december|\d{4})\b",
    re.IGNORECASE,
)


def list_disputed_events(index: SagaIndex) -> frozenset[str]:
    """Every event some disagreement between the articles is about."""
    cached = index.cache.get("quiz-disputed")
    if cached is None:
        cached = index.cache["quiz-disputed"] = frozenset(event for dispute in index.disputes for event in dispute.events)
    return cached


def is_settled(index: SagaIndex, event: Event) -> bool:
    """Neither hedged nor disputed: the articles state it as a fact and agree on it."""
    return not event.hedged and event.id not in list_disputed_events(index)


def classify_entity(entity: Entity | None) -> str | None:
    """'person', 'collective', or None for what cannot be a who-answer (products, places, anonymous sources)."""
    if entity is None or entity.id.startswith(ANONYMOUS_PREFIX):
        return None
    return ENTITY_CLASSES.get(entity.kind)


def list_class_members(index: SagaIndex, category: str) -> list[Entity]:
    """Every entity that may be a wrong choice of this class, in id order (reproducible draws):
    those who act in the saga's own days. Steve Jobs (fired in 1985) or Amazon (never acting)
    beside the saga's players give themselves away as wrong."""
    actors = list_saga_actors(index)
    return [entity for entity in index.entities.values() if classify_entity(entity) == category and entity.id in actors]


def list_saga_actors(index: SagaIndex) -> frozenset[str]:
    """The entities that do something in an event of the saga's days."""
    cached = index.cache.get("quiz-saga-actors")
    if cached is None:
        calendar = index.calendar
        cached = index.cache["quiz-saga-actors"] = frozenset(
            actor for event in index.events if calendar is not None and calendar.contains(event.date.start or "")
            for actor in event.actors)
    return cached


def are_related(index: SagaIndex, first: str, second: str) -> bool:
    """Whether one entity's name is part of the other's ("OpenAI" in "OpenAI board"): offering
    both as choices could make two answers right ("OpenAI fired Altman")."""
    return first == second or _contains_name(index, first, second) or _contains_name(index, second, first)


def _contains_name(index: SagaIndex, outer: str, inner: str) -> bool:
    name = " ".join(split_words(index.name(inner)))
    return bool(name) and any(f" {name} " in f" {alias} " for alias in _fold_aliases(index, outer))


def _fold_aliases(index: SagaIndex, entity_id: str) -> tuple[str, ...]:
    """An entity's name and aliases, folded, kept in the index's cache (asked thousands of times)."""
    folded: dict[str, tuple[str, ...]] = index.cache.setdefault("quiz-folded-aliases", {})
    if entity_id not in folded:
        entity = index.entities.get(entity_id)
        aliases = (entity.name, *entity.aliases) if entity else ()
        folded[entity_id] = tuple(" ".join(split_words(alias)) for alias in aliases)
    return folded[entity_id]


def names_a_date(text: str) -> bool:
    """Whether a sentence says a weekday, a month or a year: a when-question on it would be given away."""
    return bool(_DATE_WORDS.search(text))


def overlap(first: SagaDate, second: SagaDate) -> bool:
    """Whether two dates may denote the same moment."""
    return (first.start or "") <= (second.end or "9999") and (second.start or "") <= (first.end or "9999")


def measure_obscurity(index: SagaIndex, event: Event | None, entity_ids: tuple[str, ...] = ()) -> float:
    """0 for what every article tells about the saga's main figures, 1 for a detail of one article
    about someone mentioned once; `entity_ids` default to the event's own entities."""
    articles = len({source.article for source in event.sources}) if event else 1
    article_rarity = 1.0 - min(articles - 1, 3) / 3
    entities = entity_ids or (event.entities if event else ())
    top = max(index.entity_frequency.values(), default=1)
    frequency = max((index.entity_frequency.get(entity_id, 0) for entity_id in entities), default=0)
    entity_rarity = 1.0 - math.log1p(frequency) / math.log1p(top)
    return round(0.5 * article_rarity + 0.5 * entity_rarity, 3)
