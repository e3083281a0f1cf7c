"""Which entities, roles and actions a text names, typos included ("altmann", "Emmet",
"sutskevar", « viré », "microsfot"), through the aliases and action words of the database.

Spans of up to four words are tried longest first, so "conseil d'administration" wins over
"conseil" and "head of research" over "head". Exact matches come first; then rapidfuzz's
ratio over the aliases, with a cutoff that grows stricter as words get shorter, because a
short word is one typo away from many others ("Sam" / "Scott").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .index import SagaIndex
from .normalize import STOPWORDS, split_words, split_words_with_case, stem

MAX_SPAN = 4
# Each word of a phrase matched with a typo must be this close to the alias's word.
WORD_CUTOFF = 70.0


@dataclass(frozen=True)
class Mention:
    """A span of the text that names entities, roles and/or actions (a word can be several:
    "board" is the OpenAI board and the board-member role)."""

    start: int
    end: int
    text: str
    entities: frozenset[str]
    roles: frozenset[str]
    actions: frozenset[str]
    score: float


@dataclass(frozen=True)
class Reading:
    """A text read for names: its folded words and what each span names."""

    words: tuple[str, ...]
    mentions: tuple[Mention, ...]

    @property
    def entities(self) -> list[str]:
        return _deduplicate(entity for mention in self.mentions for entity in sorted(mention.entities))

    @property
    def roles(self) -> list[str]:
        return _deduplicate(role for mention in self.mentions for role in sorted(mention.roles))

    @property
    def actions(self) -> set[str]:
        return {action for mention in self.mentions for action in mention.actions}

    def find_unexplained(self) -> list[str]:
        """The words no mention covers: what is left for full-text matching."""
        covered = {position for mention in self.mentions for position in range(mention.start, mention.end)}
        return [word for position, word in enumerate(self.words) if position not in covered]


def read_names(index: SagaIndex, text: str) -> Reading:
    """Every entity, role and action named in `text`, in the order they appear."""
    tokens = split_words_with_case(text)
    words = tuple(word for word, _ in tokens)
    taken = [False] * len(words)
    mentions: list[Mention] = []
    for fuzzy in (False, True):
        for length in range(min(MAX_SPAN, len(words)), 0, -1):
            # At equal length a span that does not start with an article or preposition
            # goes first: « le conseil d'administration » is the board, not « le conseil ».
            starts = sorted(range(len(words) - length + 1), key=lambda start: words[start] in STOPWORDS)
            for start in starts:
                if any(taken[start:start + length]):
                    continue
                mention = _find_mention_at(index, tokens, start, length, fuzzy)
                if mention is not None:
                    mentions.append(mention)
                    taken[start:start + length] = [True] * length
    return Reading(words, tuple(sorted(mentions, key=lambda mention: mention.start)))


def resolve_entity(index: SagaIndex, text: str) -> str | None:
    """The one entity `text` names as a whole ("brockmann" → greg-brockman), or None."""
    reading = read_names(index, text)
    named = [mention for mention in reading.mentions if mention.entities]
    if not named:
        return _find_closest_alias(index, " ".join(reading.words))
    best = max(named, key=lambda mention: (mention.end - mention.start, mention.score))
    return _pick_entity(index, best.entities)


def is_part_of_a_name(index: SagaIndex, entity_id: str, others: set[str] | frozenset[str]) -> bool:
    """The entity's name is within another's: "Microsoft" in "a Microsoft employee", "OpenAI" in
    "OpenAI board"."""
    own = set(split_words(index.name(entity_id)))
    return bool(own) and any(own < set(split_words(index.name(other))) for other in others)


def _find_mention_at(index: SagaIndex, tokens: list[tuple[str, bool]], start: int, length: int, fuzzy: bool) -> Mention | None:
    span = tokens[start:start + length]
    phrase = " ".join(word for word, _ in span)
    if length == 1 and (phrase in STOPWORDS or phrase.isdigit()):
        return None
    # An alias that is also an everyday word means the entity only capitalised ("Jobs", not "jobs").
    if phrase in index.lexicon.everyday_words and not span[0][1]:
        entities: set[str] = set()
    else:
        entities = set(index.entity_aliases.get(phrase, ()))
    roles = set(index.role_aliases.get(phrase, ()))
    if not (entities or roles) and length > 1 and any(word.endswith("s") for word in phrase.split()):
        # "board members", « membres du conseil »: the plural of a name or a role.
        singular = " ".join(word[:-1] if word.endswith("s") and len(word) > 3 else word for word in phrase.split())
        entities = set(index.entity_aliases.get(singular, ()))
        roles = set(index.role_aliases.get(singular, ()))
    actions = set(index.action_words.get(phrase, ()))
    if length == 1 and not actions:
        actions = set(index.action_stems.get(stem(phrase), ()))
    score = 100.0
    if fuzzy and not (entities or roles or actions):
        # Words that are names as they are ("openai") are not misspellings of another name.
        if all(word in STOPWORDS or word in index.entity_aliases for word, _ in span):
            return None
        entities, roles, score = _match_fuzzily(index, phrase)
    if not (entities or roles or actions):
        return None
    return Mention(start, start + length, phrase, frozenset(entities), frozenset(roles), frozenset(actions), score)


def _choose_cutoff(phrase: str) -> float:
    """Stricter for short words: one typo in five letters is 80 %, in ten letters 90 %."""
    letters = len(phrase.replace(" ", ""))
    if letters < 5:
        return 101.0
    return 88.0 if letters < 7 else 84.0


def _match_fuzzily(index: SagaIndex, phrase: str) -> tuple[set[str], set[str], float]:
    cutoff = _choose_cutoff(phrase)
    if cutoff > 100:
        return set(), set(), 0.0
    everyday = index.lexicon.everyday_words
    entity_match = _find_best_match(phrase, tuple(index.entity_aliases), cutoff, everyday)
    role_match = _find_best_match(phrase, tuple(index.role_aliases), cutoff, everyday)
    if entity_match and (not role_match or entity_match[1] >= role_match[1]):
        return set(index.entity_aliases[entity_match[0]]), set(), entity_match[1]
    if role_match:
        return set(), set(index.role_aliases[role_match[0]]), role_match[1]
    return set(), set(), 0.0


@lru_cache(maxsize=4096)
def _find_best_match(phrase: str, choices: tuple[str, ...], cutoff: float, everyday: frozenset[str]) -> tuple[str, float] | None:
    # Only choices with as many words as the phrase: "sam altmann" is compared with
    # "sam altman", not with "altman", so one word never swallows its neighbour.
    count = phrase.count(" ")
    same_shape = [choice for choice in choices if choice.count(" ") == count and choice not in everyday]
    found = process.extractOne(phrase, same_shape, scorer=fuzz.ratio, score_cutoff=cutoff)
    if found is None:
        return None
    # Word by word too: a long word can carry a short one ("superintelligence avec" is not
    # "superintelligence team").
    if any(fuzz.ratio(mine, theirs) < WORD_CUTOFF for mine, theirs in zip(phrase.split(), found[0].split())):
        return None
    return found[0], found[1]


def _find_closest_alias(index: SagaIndex, phrase: str) -> str | None:
    if not phrase:
        return None
    found = process.extractOne(phrase, tuple(index.entity_aliases), scorer=fuzz.WRatio, score_cutoff=86)
    return _pick_entity(index, index.entity_aliases[found[0]]) if found else None


def _pick_entity(index: SagaIndex, entity_ids: frozenset[str] | set[str]) -> str | None:
    """Of entities sharing an alias, the one the saga talks about most."""
    if not entity_ids:
        return None
    return max(sorted(entity_ids), key=lambda entity_id: index.entity_frequency.get(entity_id, 0))


def _deduplicate(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
