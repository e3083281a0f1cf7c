"""The saga held in memory: everything the engine needs to answer, read once from the database.

Answering must take a few milliseconds, so no question touches SQLite: `SagaIndex.load(db)`
reads every table the engine uses (a few hundred rows) and prepares the lookups (aliases,
action words, word stems per event) once. The index is immutable and safe to share between
threads (Discord will call the engine through `asyncio.to_thread`).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from ..saga.dates import SagaDate
from ..saga.roles import Tenure, role_history
from .normalize import Locale, split_words, stem
from .retrieval import MeaningIndex, Scores, WordIndex, build_word_index, load_meaning, score_question
from ..saga.calendar import SagaCalendar, load_calendar
from .lexicon import Lexicon, load_lexicon


@dataclass(frozen=True)
class Article:
    seed: str
    outlet: str | None
    label: dict[str, str]
    title: str | None
    # how replies name it: "Business Insider", « l'article sur le mémo de Kevin Scott »
    short: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    kind: str
    description: dict[str, str]
    aliases: tuple[str, ...]
    # the name to show in each language (« le conseil d'administration d'OpenAI » / "OpenAI board")
    names: dict[str, str] = field(default_factory=dict)
    # French agreement: her posts are named in the feminine
    feminine: bool = False


@dataclass(frozen=True)
class Source:
    article: str
    quote: str


@dataclass(frozen=True)
class Figure:
    event_id: str
    measure: str
    value: float
    unit: str
    approximate: bool
    bound: str | None
    hedged: bool
    article: str
    quote: str


@dataclass(frozen=True)
class Event:
    id: str
    position: int
    date: SagaDate
    approximate: bool
    action: str
    hedged: bool
    summary: dict[str, str]
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    sources: tuple[Source, ...]
    figures: tuple[Figure, ...]
    stems: frozenset[str]
    # the curated summaries alone: what the event *is*, not the context its sources quote
    summary_stems: frozenset[str]
    # a turning point of the saga (data/events: `key: true`): lists lead with these
    key: bool = False

    @property
    def entities(self) -> tuple[str, ...]:
        return self.actors + self.targets


@dataclass(frozen=True)
class Quote:
    id: str
    event_id: str | None
    date: SagaDate
    article: str
    text: str
    en: str
    medium: str | None
    speakers: tuple[str, ...]
    stems: frozenset[str]
    # the French words and their translation, folded once for near-verbatim matching
    words_fr: str = ""
    words_en: str = ""
    # a few words quoted inside the article's own sentence: not shown alone in a list
    fragment: bool = False


@dataclass(frozen=True)
class Claim:
    article: str
    quote: str
    claim: dict[str, str]


@dataclass(frozen=True)
class Dispute:
    id: str
    topic: dict[str, str]
    claims: tuple[Claim, ...]
    events: tuple[str, ...]
    stems: frozenset[str]


@dataclass
class SagaIndex:
    """Every row the engine reads, with the lookups built from them."""

    articles: dict[str, Article]
    entities: dict[str, Entity]
    events: list[Event]
    quotes: list[Quote]
    disputes: list[Dispute]
    tenures: list[Tenure]
    roles: dict[str, dict[str, str]]
    actions: dict[str, dict[str, str]]
    # folded alias words ("sam altman") → entity ids; role alias words → role ids; action words → action ids
    entity_aliases: dict[str, set[str]] = field(default_factory=dict)
    role_aliases: dict[str, set[str]] = field(default_factory=dict)
    action_words: dict[str, set[str]] = field(default_factory=dict)
    # action → the actions the articles may use for the same deed (data/actions.yaml `related`)
    related_actions: dict[str, frozenset[str]] = field(default_factory=dict)
    action_stems: dict[str, set[str]] = field(default_factory=dict)
    events_by_id: dict[str, Event] = field(default_factory=dict)
    # titles kept for life once gained (co-founder): no date makes them a question
    lasting_roles: frozenset[str] = frozenset()
    # how many events name each entity / contain each stem: rare ones weigh more
    entity_frequency: dict[str, int] = field(default_factory=dict)
    stem_frequency: dict[str, int] = field(default_factory=dict)
    vocabulary: frozenset[str] = frozenset()
    lexicon: Lexicon = field(default_factory=Lexicon)
    calendar: SagaCalendar | None = None
    # names members use that the articles never write, per entity
    nicknames: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # sentence vectors stored by `data build` (None for a database without them), BM25 over events
    vectors: MeaningIndex | None = None
    words: WordIndex | None = None
    event_order: dict[str, int] = field(default_factory=dict)
    # derived views other modules build once on first use (e.g. the figures' measures)
    cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, db: sqlite_utils.Database) -> SagaIndex:
        """Read the saga database once and build every lookup."""
        index = cls(
            articles=_load_articles(db),
            entities=_load_entities(db),
            events=_load_events(db),
            quotes=_load_quotes(db),
            disputes=_load_disputes(db),
            tenures=[],
            # "fr-f": the French label for a woman in the post
            roles={row["id"]: {"fr": row["label_fr"], "fr-f": row["label_fr_feminine"], "en": row["label_en"]}
                   for row in db["role_kinds"].rows},
            actions={row["id"]: {"fr": row["label_fr"], "en": row["label_en"]} for row in db["actions"].rows},
        )
        index.tenures = _load_tenures(db, index.roles)
        index.lasting_roles = frozenset(row["id"] for row in db["role_kinds"].rows if row.get("lasting"))
        index.lexicon = load_lexicon(db)
        index.calendar = load_calendar(db)
        index.nicknames = _load_nicknames(db)
        index._build_lookups(db)
        index.vectors = load_meaning(db)
        index.words = build_word_index([" ".join([e.summary["fr"], e.summary["en"], *(s.quote for s in e.sources)])
                                        for e in index.events])
        index.event_order = {event.id: position for position, event in enumerate(index.events)}
        return index

    def score(self, text: str) -> Scores:
        """How close every event is to `text`, by meaning and by words; remembered per text,
        because one question is ranked several times on its way through the engine."""
        remembered: dict[str, Scores] = self.cache.setdefault("scores", {})
        found = remembered.get(text)
        if found is None:
            found = score_question(self.vectors, self.words or build_word_index([]), self.event_order, text,
                                   [stem(word) for word in split_words(text)])
            if len(remembered) > 256:
                remembered.clear()
            remembered[text] = found
        return found

    def _build_lookups(self, db: sqlite_utils.Database) -> None:
        for entity in self.entities.values():
            for alias in (*entity.aliases, *self.nicknames.get(entity.id, ())):
                self.entity_aliases.setdefault(" ".join(split_words(alias)), set()).add(entity.id)
        role_pairs = [(row["role"], row["alias"]) for row in db["role_aliases"].rows]
        for role, alias in role_pairs:
            self.role_aliases.setdefault(" ".join(split_words(alias)), set()).add(role)
        word_pairs = [(row["action"], row["word"]) for row in db["action_words"].rows]
        for action, word in word_pairs:
            words = split_words(word)
            if words:
                self.action_words.setdefault(" ".join(words), set()).add(action)
                if len(words) == 1:
                    self.action_stems.setdefault(stem(words[0]), set()).add(action)
        related: dict[str, set[str]] = {}
        for row in db["action_related"].rows:
            related.setdefault(row["action"], set()).add(row["related"])
        self.related_actions = {action: frozenset(others) for action, others in related.items()}
        self.events_by_id = {event.id: event for event in self.events}
        entity_frequency: dict[str, int] = defaultdict(int)
        stem_frequency: dict[str, int] = defaultdict(int)
        for event in self.events:
            for entity_id in set(event.entities):
                entity_frequency[entity_id] += 1
            for word in event.stems:
                stem_frequency[word] += 1
        self.entity_frequency = dict(entity_frequency)
        self.stem_frequency = dict(stem_frequency)
        known = set(stem_frequency)
        for quote in self.quotes:
            known |= quote.stems
        for phrase in [*self.entity_aliases, *self.role_aliases, *self.action_words, *self.lexicon.known_words]:
            known |= {stem(word) for word in phrase.split()}
        self.vocabulary = frozenset(known)

    def name(self, entity_id: str, locale: Locale | None = None) -> str:
        """The name of an entity in `locale`, or its canonical name (the JSON contract's) without
        one; its id if the data no longer has it."""
        entity = self.entities.get(entity_id)
        if entity is None:
            return entity_id
        return entity.names.get(locale, entity.name) if locale else entity.name

    def glance_order(self, event: Event) -> tuple[int, int]:
        """Where an event comes in a list a member reads at a glance: the saga's turning points
        first, then its own days, then the background; each in the order the data tells them."""
        inside = self.calendar is not None and self.calendar.contains(event.date.start or event.date.end or "")
        return (0 if event.key else 1 if inside else 2), event.position

    def weigh_entity(self, entity_id: str) -> float:
        """How much naming this entity narrows the events down: rare entities weigh more."""
        return 1.0 + math.log((len(self.events) + 1) / (self.entity_frequency.get(entity_id, 0) + 1))

    def weigh_stem(self, word: str) -> float:
        return 1.0 + math.log((len(self.events) + 1) / (self.stem_frequency.get(word, 0) + 1))

    def events_of(self, entity_id: str) -> list[Event]:
        """Every event the entity takes part in, in date order."""
        return [event for event in self.events if entity_id in event.entities]


def load_index(db_path: Path) -> SagaIndex:
    """Open the database at `db_path`, read it into an index, close it."""
    db = sqlite_utils.Database(db_path)
    try:
        return SagaIndex.load(db)
    finally:
        db.conn.close()


def _stem_all(*texts: str) -> frozenset[str]:
    return frozenset(stem(word) for text in texts for word in split_words(text))


def _read_date(row: dict[str, Any], prefix: str = "date") -> SagaDate:
    return SagaDate(row[prefix], row[f"{prefix}_precision"], row[f"{prefix}_start"], row[f"{prefix}_end"])


def _load_articles(db: sqlite_utils.Database) -> dict[str, Article]:
    return {
        row["seed"]: Article(row["seed"], row["outlet"], {"fr": row["label_fr"], "en": row["label_en"]}, row["title"],
                             {"fr": row["short_fr"], "en": row["short_en"]})
        for row in db["articles"].rows_where(order_by="seed", select="seed, outlet, label_fr, label_en, title, short_fr, short_en")
    }


def _load_entities(db: sqlite_utils.Database) -> dict[str, Entity]:
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in db["aliases"].rows_where(order_by="entity_id, alias"):
        aliases[row["entity_id"]].append(row["alias"])
    return {
        row["id"]: Entity(row["id"], row["name"], row["kind"], {"fr": row["description_fr"], "en": row["description_en"]},
                          tuple(aliases[row["id"]]), {"fr": row["name_fr"], "en": row["name"]}, bool(row["feminine"]))
        for row in db["entities"].rows_where(order_by="id")
    }


def _load_events(db: sqlite_utils.Database) -> list[Event]:
    sides: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"actor": [], "target": []})
    for row in db["event_entities"].rows_where(order_by="event_id, role, position"):
        sides[row["event_id"]][row["role"]].append(row["entity_id"])
    sources: dict[str, list[Source]] = defaultdict(list)
    for row in db["sources"].rows_where(order_by="event_id, position"):
        sources[row["event_id"]].append(Source(row["article"], row["quote"]))
    figures: dict[str, list[Figure]] = defaultdict(list)
    for row in db["figures"].rows_where(order_by="event_id, position"):
        figures[row["event_id"]].append(Figure(
            row["event_id"], row["measure"], row["value"], row["unit"], bool(row["approximate"]), row["bound"],
            bool(row.get("hedged")), row["article"], row["quote"]))
    events = []
    for row in db["events"].rows_where(order_by="position"):
        summary = {"fr": row["summary_fr"], "en": row["summary_en"]}
        own_sources = tuple(sources[row["id"]])
        events.append(Event(
            row["id"], row["position"], _read_date(row), bool(row["approximate"]), row["action"], bool(row["hedged"]), summary,
            tuple(sides[row["id"]]["actor"]), tuple(sides[row["id"]]["target"]), own_sources, tuple(figures[row["id"]]),
            _stem_all(summary["fr"], summary["en"], *(source.quote for source in own_sources)),
            _stem_all(summary["fr"], summary["en"]),
            bool(row["key"]),
        ))
    return events


def _load_quotes(db: sqlite_utils.Database) -> list[Quote]:
    speakers: dict[str, list[str]] = defaultdict(list)
    for row in db["quote_speakers"].rows_where(order_by="quote_id, position"):
        speakers[row["quote_id"]].append(row["entity_id"])
    return [
        Quote(row["id"], row["event_id"], _read_date(row), row["article"], row["text"], row["en"] or "", row["medium"],
              tuple(speakers[row["id"]]), _stem_all(row["text"], row["en"] or ""),
              " ".join(split_words(row["text"])), " ".join(split_words(row["en"] or "")), bool(row["fragment"]))
        for row in db["quotes"].rows_where(order_by="position")
    ]


def _load_disputes(db: sqlite_utils.Database) -> list[Dispute]:
    claims: dict[str, list[Claim]] = defaultdict(list)
    for row in db["dispute_claims"].rows_where(order_by="dispute_id, position"):
        claims[row["dispute_id"]].append(Claim(row["article"], row["quote"], {"fr": row["claim_fr"], "en": row["claim_en"]}))
    events: dict[str, list[str]] = defaultdict(list)
    for row in db["dispute_events"].rows_where(order_by="dispute_id, event_id"):
        events[row["dispute_id"]].append(row["event_id"])
    return [
        Dispute(row["id"], {"fr": row["topic_fr"], "en": row["topic_en"]}, tuple(claims[row["id"]]), tuple(events[row["id"]]),
                _stem_all(row["topic_fr"], row["topic_en"], *(c.claim["fr"] + " " + c.claim["en"] for c in claims[row["id"]])))
        for row in db["disputes"].rows_where(order_by="id")
    ]


def _load_nicknames(db: sqlite_utils.Database) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    if "nicknames" in db.table_names():
        for row in db["nicknames"].rows_where(order_by="entity_id, nickname"):
            found[row["entity_id"]].append(row["nickname"])
    return {entity_id: tuple(names) for entity_id, names in found.items()}


def _load_tenures(db: sqlite_utils.Database, roles: dict[str, dict[str, str]]) -> list[Tenure]:
    # Through bot.saga.roles itself, so the index follows any change to how spells are read.
    return [tenure for role in sorted(roles) for tenure in role_history(db, role)]
