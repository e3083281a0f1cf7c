"""Choices for Discord's autocomplete (callable from the console too): entity names, roles,
event ids and saga days; at most 25, typo tolerant, best first.

Discord asks on every keystroke and waits a few hundred milliseconds at most, so the
candidates are prepared once per index and each call only scores a few hundred strings.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..saga.calendar import WEEKDAYS, shipped_calendar
from .index import SagaIndex
from .normalize import FALLBACK_LOCALE, Locale, fold, split_words
from .phrasing import MONTHS, phrase_day

MAX_CHOICES = 25  # Discord's limit
MAX_NAME = 100  # Discord's limit on a choice's label
_MIN_SCORE = 80.0


@dataclass(frozen=True)
class Choice:
    """What the member sees (`name`) and what the command receives (`value`)."""

    name: str
    value: str


@dataclass(frozen=True)
class _Candidate:
    name: dict[str, str]
    value: str
    keys: tuple[str, ...]  # short folded forms the typed text is compared with, typos allowed
    weight: float  # order among equal matches (and of the list when nothing is typed)
    words: frozenset[str] = frozenset()  # more words whose beginnings the typed words may be


def complete_entities(index: SagaIndex, typed: str, locale: Locale = FALLBACK_LOCALE) -> list[Choice]:
    """People, organisations, groups...: "brockm" → Greg Brockman; "altmann" → Sam Altman."""
    return _complete(_get_pool(index, "entities"), typed, locale)


def complete_roles(index: SagaIndex, typed: str, locale: Locale = FALLBACK_LOCALE) -> list[Choice]:
    """Roles by any of their names: "pdg", "interim", "CTO"."""
    return _complete(_get_pool(index, "roles"), typed, locale)


def complete_events(index: SagaIndex, typed: str, locale: Locale = FALLBACK_LOCALE) -> list[Choice]:
    """Event ids, labelled with their summary: "brockman res" → brockman-resigns."""
    return _complete(_get_pool(index, "events"), typed, locale)


def complete_days(index: SagaIndex, typed: str, locale: Locale = FALLBACK_LOCALE) -> list[Choice]:
    """The days of the saga week: "dim" → dimanche 19 novembre 2023 (2023-11-19)."""
    return _complete(_get_pool(index, "days"), typed, locale)


class _Pool:
    """One kind of candidates with the lookups that make a keystroke cheap: every key and
    word in flat lists, so that rapidfuzz scores them all in one call (in C)."""

    def __init__(self, candidates: list[_Candidate]) -> None:
        self.candidates = candidates
        self.default = sorted(range(len(candidates)), key=lambda i: -candidates[i].weight)
        self.keys = [key for candidate in candidates for key in candidate.keys]
        self.owner = [i for i, candidate in enumerate(candidates) for _ in candidate.keys]
        words: dict[str, set[int]] = {}
        for i, candidate in enumerate(candidates):
            for word in {w for key in candidate.keys for w in key.split()} | candidate.words:
                words.setdefault(word, set()).add(i)
        self.words = sorted(words)
        self.word_owners = [words[word] for word in self.words]

    def rank(self, query: str) -> list[int]:
        scores: dict[int, float] = {}

        def keep(i: int, score: float) -> None:
            if score > scores.get(i, 0.0):
                scores[i] = score

        for key, i in zip(self.keys, self.owner):
            if key.startswith(query):
                keep(i, 200.0 - len(key) / 100)
        parts = query.split()
        # Every typed word begins some word of the candidate: "brockman res" → brockman-resigns.
        matching = [self._find_starting_with(part) for part in parts]
        for i in set.intersection(*matching) if matching else set():
            keep(i, 150.0 - len(self.candidates[i].keys[0]) / 100)
        for _, score, position in process.extract(query, self.keys, scorer=fuzz.WRatio, score_cutoff=_MIN_SCORE, limit=None):
            keep(self.owner[position], score)
        if len(query) >= 4:
            # A typo within what was typed so far: "brokm" against "brock".
            heads = [key[: len(query)] for key in self.keys]
            for _, score, position in process.extract(query, heads, scorer=fuzz.ratio, score_cutoff=80, limit=None):
                keep(self.owner[position], score + 10.0)
        return sorted(scores, key=lambda i: (-scores[i], -self.candidates[i].weight))

    def _find_starting_with(self, part: str) -> set[int]:
        found: set[int] = set()
        position = bisect_left(self.words, part)
        while position < len(self.words) and self.words[position].startswith(part):
            found |= self.word_owners[position]
            position += 1
        return found


def _complete(pool: _Pool, typed: str, locale: Locale) -> list[Choice]:
    query = " ".join(split_words(typed))
    ranked = pool.rank(query) if query else pool.default
    return [Choice(pool.candidates[i].name[locale][:MAX_NAME], pool.candidates[i].value) for i in ranked[:MAX_CHOICES]]


def _get_pool(index: SagaIndex, kind: str) -> _Pool:
    cached = index.cache.get(f"autocomplete.{kind}")
    if cached is None:
        cached = index.cache[f"autocomplete.{kind}"] = _Pool(_BUILDERS[kind](index))
    return cached


def _build_entity_candidates(index: SagaIndex) -> list[_Candidate]:
    return [
        _Candidate({"fr": entity.name, "en": entity.name}, entity.name,
                   tuple(dict.fromkeys(" ".join(split_words(alias)) for alias in (entity.name, *entity.aliases))),
                   float(index.entity_frequency.get(entity.id, 0)))
        for entity in index.entities.values()
    ]


def _build_role_candidates(index: SagaIndex) -> list[_Candidate]:
    aliases: dict[str, list[str]] = {}
    for alias, roles in index.role_aliases.items():
        for role in roles:
            aliases.setdefault(role, []).append(alias)
    holders = {role: sum(tenure.role == role for tenure in index.tenures) for role in index.roles}
    return [
        _Candidate(dict(labels), role, tuple(dict.fromkeys([fold(labels["fr"]), fold(labels["en"]), *sorted(aliases.get(role, []))])),
                   float(holders[role]))
        for role, labels in index.roles.items()
    ]


def _build_event_candidates(index: SagaIndex) -> list[_Candidate]:
    candidates = []
    calendar = index.calendar or shipped_calendar()
    for event in index.events:
        names = {locale: f"{event.id} — {event.summary[locale]}" for locale in ("fr", "en")}
        words = frozenset(split_words(event.summary["en"]) + split_words(event.summary["fr"]))
        # Events of the saga's week come first when nothing is typed.
        weight = 1.0 if calendar.contains(event.date.start or "") else 0.0
        candidates.append(_Candidate(names, event.id, (event.id.replace("-", " "),), weight, words))
    return candidates


def _build_day_candidates(index: SagaIndex) -> list[_Candidate]:
    candidates = []
    days = (index.calendar or shipped_calendar()).days
    for position, day in enumerate(days):
        names = {locale: f"{phrase_day(day, locale)} ({day.isoformat()})" for locale in ("fr", "en")}
        keys = (day.isoformat(), WEEKDAYS["fr"][day.weekday()], WEEKDAYS["en"][day.weekday()],
                f"{day.day} {fold(MONTHS['fr'][day.month - 1])}", f"{fold(MONTHS['en'][day.month - 1])} {day.day}")
        candidates.append(_Candidate(names, day.isoformat(), keys, float(len(days) - position)))
    return candidates


_BUILDERS = {"entities": _build_entity_candidates, "roles": _build_role_candidates, "events": _build_event_candidates,
             "days": _build_day_candidates}
