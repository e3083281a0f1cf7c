"""The words that tell what a question asks for, read from the saga database (data/lexicon.yaml).

Folded the way questions are ("remplaçant" → "remplacant", "c'est qui" → "c est qui"), so
that a maintainer may write them with accents and apostrophes.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from .normalize import fold, stem


@dataclass(frozen=True)
class Lexicon:
    replace_words: frozenset[str] = frozenset()
    replace_nouns: frozenset[str] = frozenset()
    replace_phrases: tuple[str, ...] = ()
    quantity_phrases: tuple[str, ...] = ()
    speech_words: frozenset[str] = frozenset()
    profile_phrases: tuple[str, ...] = ()
    # "became", "took over", « est devenu »: the subject is the one the event happened to
    becoming_words: tuple[str, ...] = ()
    # a hurried spelling → the word it stands for ("wat" → "what")
    spellings: dict[str, str] = field(default_factory=dict)
    # words of measure names that say nothing of what is counted ("duration", "number")
    generic_measure_words: frozenset[str] = frozenset()
    # words that say nothing of the event asked about ("dude", "supposedly")
    filler_words: frozenset[str] = frozenset()
    # aliases that are also everyday words: only a capitalised one means the entity
    everyday_words: frozenset[str] = frozenset()
    # "exactly", « exactement »: a date is asked to the day
    exact_words: frozenset[str] = frozenset()
    # "according to", « selon »: the rest of the clause says where, not what
    attribution_phrases: tuple[str, ...] = ()
    # what such a clause is made of besides names ("the memo", « l'article »)
    attribution_sources: frozenset[str] = frozenset()
    measure_synonyms: tuple[frozenset[str], ...] = ()
    # a word of a question → the units it asks for ("percentage" → {"percent"})
    asked_units: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def synonym_stems(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(stem(word) for word in group) for group in self.measure_synonyms)

    @property
    def known_words(self) -> tuple[str, ...]:
        """Words of questions that are not in the articles but that the engine understands."""
        return tuple(word for group in self.measure_synonyms for word in group) + self.quantity_phrases


_TOKEN = re.compile(r"(?<![\w'’-])[\w]+(?![\w'’-])")


def respell(lexicon: Lexicon, text: str) -> str:
    """`text` with hurried spellings replaced by the words they stand for: "wat happend" →
    "what happened", « c koi » → « c'est quoi ». Whole words only; an apostrophe or dash
    joined to a word keeps it as it is ("c'est", "e-mail")."""
    if not lexicon.spellings:
        return text
    replaced = _TOKEN.sub(lambda match: lexicon.spellings.get(match.group(0).casefold(), match.group(0)), text)
    return re.sub(r"\s{2,}", " ", replaced).strip()


def says_replace(lexicon: Lexicon, folded: str) -> bool:
    """Does the folded question use a replacement phrase ("took sam s job" for "took * job": a
    star is one word, and the "s" of a possessive)?"""
    for phrase in lexicon.replace_phrases:
        pattern = r"\b" + r"\s+".join(r"\w+(?:\s+\w)?" if word == "*" else re.escape(word) for word in phrase.split()) + r"\b"
        if re.search(pattern, folded):
            return True
    return False


def fold_phrase(text: str) -> str:
    """A phrase as it appears in a folded question: lowercase, no accents, words split on anything else."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text).replace("'", " ")))


def load_lexicon(db: sqlite_utils.Database) -> Lexicon:
    if "lexicon" not in db.table_names():
        return Lexicon()
    lists: dict[str, list[str]] = defaultdict(list)
    groups: dict[str, list[str]] = defaultdict(list)
    units: dict[str, set[str]] = defaultdict(set)
    spellings: dict[str, str] = {}
    for row in db["lexicon"].rows_where(order_by="list, key, position"):
        word = " ".join("*" if part == "*" else fold_phrase(part) for part in row["word"].split())
        if row["list"] == "spellings":
            spellings[row["key"].casefold()] = row["word"]
        elif row["list"] == "measure_synonyms":
            groups[row["key"]].append(word)
        elif row["list"] == "asked_units":
            units[word].add(row["key"])
        else:
            lists[row["list"]].append(word)
    return Lexicon(
        replace_words=frozenset(lists["replace_words"]),
        replace_nouns=frozenset(lists["replace_nouns"]),
        replace_phrases=tuple(lists["replace_phrases"]),
        quantity_phrases=tuple(lists["quantity_phrases"]),
        speech_words=frozenset(lists["speech_words"]),
        profile_phrases=tuple(lists["profile_phrases"]),
        everyday_words=frozenset(lists["everyday_words"]),
        becoming_words=tuple(lists["becoming_words"]),
        filler_words=frozenset(lists["filler_words"]),
        exact_words=frozenset(lists["exact_words"]),
        attribution_phrases=tuple(lists["attribution_phrases"]),
        attribution_sources=frozenset(lists["attribution_sources"]),
        generic_measure_words=frozenset(lists["generic_measure_words"]),
        spellings=spellings,
        measure_synonyms=tuple(frozenset(words) for _, words in sorted(groups.items(), key=lambda pair: int(pair[0]))),
        asked_units={word: frozenset(found) for word, found in units.items()},
    )
