"""Cross-checks that need the whole dataset: ids, references, verbatim quotes, role history."""
from __future__ import annotations

from datetime import date

import re
import unicodedata
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Any

from .dataset import Dataset
from .model import Entry
from .problems import Problem
from .verbatim import explain_mismatch

MIN_SOURCE_LENGTH = 10


def fold(text: str) -> str:
    """Lowercase, without accents, with straight apostrophes: the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().strip()


def check_dataset(dataset: Dataset) -> list[Problem]:
    """Every problem of references, ids and quotes; an empty list means the data holds."""
    problems: list[Problem] = []
    problems += _duplicate_ids(dataset)
    problems += _duplicate_aliases(dataset)
    problems += _references(dataset)
    problems += _passages(dataset)
    problems += _role_spells(dataset)
    problems += _calendar(dataset)
    problems += _lexicon(dataset)
    problems += _internal_references(dataset)
    problems += _fragments(dataset)
    return problems


def _problem(entry: Entry, location: tuple[Any, ...], message: str) -> Problem:
    """A problem at the line of `location` inside `entry`, naming the entry as the schema errors do."""
    name = getattr(entry, "id", None) or getattr(entry, "seed", None)
    owner = f"{type(entry).__name__.lower()} '{name}': " if name else ""
    return Problem(entry.path, entry.line_of(*location), owner + message)


def _duplicate_ids(dataset: Dataset) -> Iterator[Problem]:
    for kind, entries in (("entity", dataset.entities), ("event", dataset.events), ("quote", dataset.quotes), ("dispute", dataset.disputes)):
        first: dict[str, Entry] = {}
        for entry in entries:
            key = entry.id
            if key in first:
                other = first[key]
                yield _problem(entry, ("id",), f"duplicate {kind} id '{key}' (also at {other.path}:{other.line_of('id')}); rename one")
            else:
                first[key] = entry
    seen: dict[str, Entry] = {}
    for article in dataset.articles:
        if article.seed in seen:
            yield _problem(article, ("seed",), f"article {article.seed} is listed twice; keep one entry")
        seen[article.seed] = article


def _duplicate_aliases(dataset: Dataset) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for entity in dataset.entities:
        for index, alias in enumerate(entity.aliases):
            key = fold(alias)
            if key in owner and owner[key] != entity.id:
                yield _problem(entity, ("aliases", index), f"alias '{alias}' also names '{owner[key]}'; an alias must name one entity, keep it on one")
            owner.setdefault(key, entity.id)


def _references(dataset: Dataset) -> Iterator[Problem]:
    entities = {entity.id for entity in dataset.entities}
    events = {event.id for event in dataset.events}
    articles = {article.seed for article in dataset.articles}

    def unknown(entry: Entry, location: tuple[Any, ...], value: str, known: set[str], what: str, where: str) -> Iterator[Problem]:
        if value not in known:
            yield _problem(entry, location, f"unknown {what} '{value}'; {where}{_suggest(value, known)}")

    entity_hint, event_hint = "add it to data/entities.yaml or fix the id", "no event has this id"
    for entity in dataset.entities:
        for index, spell in enumerate(entity.roles):
            yield from unknown(entity, ("roles", index, "role"), spell.role, set(dataset.roles), "role", "add it to data/roles.yaml or fix it")
            if spell.of is not None:
                yield from unknown(entity, ("roles", index, "of"), spell.of, entities, "entity", entity_hint)
            for key, value in (("from", spell.from_event), ("until", spell.until)):
                if value is not None:
                    yield from unknown(entity, ("roles", index, key), value, events, "event", event_hint)
            if spell.dispute is not None:
                yield from unknown(entity, ("roles", index, "dispute"), spell.dispute, {d.id for d in dataset.disputes}, "dispute", "add it to data/disputes.yaml or fix the id")
    for key, kind in dataset.actions.items():
        for index, related in enumerate(kind.related):
            if related == key:
                yield _problem(kind, ("related", index), f"action '{key}' lists itself as related; list other actions")
            else:
                yield from unknown(kind, ("related", index), related, set(dataset.actions), "action", "use one of data/actions.yaml")
    for event in dataset.events:
        yield from unknown(event, ("action",), event.action, set(dataset.actions), "action", "use one of data/actions.yaml")
        for key in ("actors", "targets"):
            for index, value in enumerate(getattr(event, key)):
                yield from unknown(event, (key, index), value, entities, "entity", entity_hint)
    for quote in dataset.quotes:
        for index, value in enumerate(quote.speakers):
            yield from unknown(quote, ("speakers", index), value, entities, "entity", entity_hint)
        if quote.event is not None:
            yield from unknown(quote, ("event",), quote.event, events, "event", event_hint)
    for dispute in dataset.disputes:
        for index, value in enumerate(dispute.events):
            yield from unknown(dispute, ("events", index), value, events, "event", event_hint)
    for entry, location, article in _article_references(dataset):
        yield from unknown(entry, location, article, articles, "article", "use a seed file name listed in data/articles.yaml")


def _article_references(dataset: Dataset) -> Iterator[tuple[Entry, tuple[Any, ...], str]]:
    for passage in all_passages(dataset):
        yield passage.entry, passage.article_at, passage.article


@dataclass(frozen=True)
class CitedPassage:
    entry: Entry
    quote_at: tuple[Any, ...]
    article_at: tuple[Any, ...]
    article: str
    quote: str
    is_source: bool


def all_passages(dataset: Dataset) -> Iterator[CitedPassage]:
    """Every passage of the data that must be verbatim in its article."""
    for entity in dataset.entities:
        for index, spell in enumerate(entity.roles):
            at: tuple[str | int, ...] = ("roles", index, "source")
            yield CitedPassage(entity, at + ("quote",), at + ("article",), spell.source.article, spell.source.quote, True)
    for event in dataset.events:
        for index, source in enumerate(event.sources):
            at = ("sources", index)
            yield CitedPassage(event, at + ("quote",), at + ("article",), source.article, source.quote, True)
        for index, figure in enumerate(event.figures):
            at = ("figures", index)
            yield CitedPassage(event, at + ("quote",), at + ("article",), figure.article, figure.quote, True)
    for quote in dataset.quotes:
        yield CitedPassage(quote, ("text",), ("article",), quote.article, quote.text, False)
    for dispute in dataset.disputes:
        for index, claim in enumerate(dispute.claims):
            at = ("claims", index)
            yield CitedPassage(dispute, at + ("quote",), at + ("article",), claim.article, claim.quote, True)
    for ignored in dataset.ignored:
        yield CitedPassage(ignored, ("sentence",), ("article",), ignored.article, ignored.sentence, False)
    if dataset.calendar is not None:
        source = dataset.calendar.anchor_source
        yield CitedPassage(dataset.calendar, ("anchor_source", "quote"), ("anchor_source", "article"), source.article, source.quote, True)


def _passages(dataset: Dataset) -> Iterator[Problem]:
    for passage in all_passages(dataset):
        text = dataset.texts.get(passage.article)
        if text is None:
            continue  # an unknown article is reported by _references
        if passage.quote not in text:
            yield _problem(passage.entry, passage.quote_at, f"not verbatim in {passage.article}: «{_shorten(passage.quote)}» {explain_mismatch(passage.quote, text)}")
        elif passage.is_source and len(passage.quote) < MIN_SOURCE_LENGTH:
            yield _problem(passage.entry, passage.quote_at, f"the quote «{passage.quote}» is too short to be unambiguous; quote at least {MIN_SOURCE_LENGTH} characters")


def _role_spells(dataset: Dataset) -> Iterator[Problem]:
    events = {event.id: event for event in dataset.events}
    for entity in dataset.entities:
        for index, spell in enumerate(entity.roles):
            start, end = events.get(spell.from_event or ""), events.get(spell.until or "")
            if start and end and start.when.start and end.when.end and start.when.start > end.when.end:
                yield _problem(entity, ("roles", index, "until"), f"the role ends ('{end.id}', {end.when.iso}) before it starts ('{start.id}', {start.when.iso}); swap or fix the events")


# "(003)", "According to 002": members never see the seeds' file numbers, so the words they
# read must name an article by its outlet or title instead.
_FILE_NUMBER = re.compile(r"(?<![\d.,])0\d\d(?![\d.,])")


def _internal_references(dataset: Dataset) -> Iterator[Problem]:
    def texts() -> Iterator[tuple[Entry, tuple[Any, ...], str]]:
        for event in dataset.events:
            yield event, ("summary", "fr"), event.summary.fr
            yield event, ("summary", "en"), event.summary.en
        for entity in dataset.entities:
            yield entity, ("description", "fr"), entity.description.fr
            yield entity, ("description", "en"), entity.description.en
        for dispute in dataset.disputes:
            yield dispute, ("topic", "fr"), dispute.topic.fr
            yield dispute, ("topic", "en"), dispute.topic.en
            for index, claim in enumerate(dispute.claims):
                yield dispute, ("claims", index, "claim"), claim.claim.fr
                yield dispute, ("claims", index, "claim"), claim.claim.en

    for entry, location, text in texts():
        found = _FILE_NUMBER.search(text)
        if found:
            yield _problem(entry, location, f"'{found.group()}' is an article's file number, which members never see; "
                                            "name the article by its outlet or title (articles.yaml `short`)")


# A quote shown alone must read as a sentence or a clause: one that starts in lower case or has
# fewer words than this is a fragment of the article's sentence, and must say so.
FRAGMENT_WORDS = 3


def _fragments(dataset: Dataset) -> Iterator[Problem]:
    for quote in dataset.quotes:
        looks = quote.text[:1].islower() or len(quote.text.split()) < FRAGMENT_WORDS
        if looks and not quote.fragment:
            yield _problem(quote, ("text",), f"« {_shorten(quote.text, 40)} » is a fragment of the article's sentence, not a "
                                             "sentence or clause of its own: mark it `fragment: true` (it is then shown with its event)")


def _calendar(dataset: Dataset) -> Iterator[Problem]:
    """The anchor is one day, and the passage that gives it names that day and its weekday."""
    calendar = dataset.calendar
    if calendar is None:
        return
    anchor = calendar.anchor
    if anchor.precision != "day" or not anchor.start:
        yield _problem(calendar, ("anchor",), f"the anchor must be one day (YYYY-MM-DD), not {anchor.iso!r}")
        return
    from ..saga.calendar import WEEKDAYS

    day = date.fromisoformat(anchor.start[:10])
    words = set(fold(calendar.anchor_source.quote).replace("’", " ").split())
    named = {names[day.weekday()] for names in WEEKDAYS.values()}
    if not named & words or str(day.day) not in words:
        yield _problem(calendar, ("anchor_source", "quote"), f"the passage should name the anchor's weekday and day ({' or '.join(sorted(named))} {day.day})")
    for key in ("span", "weekend"):
        span = getattr(calendar, key)
        if span.start and span.end and not (span.start <= anchor.end <= span.end or key == "weekend"):
            yield _problem(calendar, (key,), f"'{key}' ({span.iso}) should contain the anchor {anchor.iso}")


def _lexicon(dataset: Dataset) -> Iterator[Problem]:
    """Every unit the lexicon asks for is one a figure uses; no nickname names two entities."""
    lexicon = dataset.lexicon
    if lexicon is not None:
        units = {figure.unit for event in dataset.events for figure in event.figures}
        for unit in lexicon.asked_units:
            if unit not in units:
                yield _problem(lexicon, ("asked_units", unit), f"no figure is in '{unit}'; use one of {', '.join(sorted(units))}")
    owner = {fold(alias): entity.id for entity in dataset.entities for alias in entity.aliases}
    for entity in dataset.entities:
        for index, nickname in enumerate(entity.nicknames):
            other = owner.setdefault(fold(nickname), entity.id)
            if other != entity.id:
                yield _problem(entity, ("nicknames", index), f"nickname '{nickname}' also names '{other}'; a name must name one entity")


def _suggest(value: str, known: set[str]) -> str:
    from rapidfuzz import process

    best = process.extractOne(value, sorted(known), score_cutoff=60)
    return f" (did you mean '{best[0]}'?)" if best else ""


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
