"""Find the events a question is about, by meaning and by words.

Two signals, fused per event:
- **meaning**: the cosine between the question's sentence vector and the event's own texts
  (its French and English summaries and each verbatim source), the best of them. This is
  what finds "who showed Altman the door?" without a rule for "show the door";
- **words**: BM25 over the same texts, stemmed and folded, so that a rare word the question
  shares with one event ("Orca", "Maia", "505") counts for a lot.

BM25 is computed here, over the index in memory, rather than by querying the FTS5 tables:
answering never touches SQLite, so that Discord threads share one immutable index. The
ranking is the same Okapi formula FTS5's `bm25()` uses.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlite_utils

from ..saga import meaning
from .normalize import split_words, stem

BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class MeaningIndex:
    """The stored vectors of events, quotes and entities, one matrix per kind of owner."""

    events: npt.NDArray[np.float32]
    event_ids: tuple[str, ...]
    event_starts: npt.NDArray[np.intp]   # first row of each event in `events` (rows are grouped by event)
    quotes: npt.NDArray[np.float32]
    quote_ids: tuple[str, ...]
    quote_starts: npt.NDArray[np.intp]
    entities: npt.NDArray[np.float32]
    entity_ids: tuple[str, ...]
    entity_starts: npt.NDArray[np.intp]


@dataclass(frozen=True)
class WordIndex:
    """BM25 statistics over each event's summaries and sources."""

    terms: tuple[Counter[str], ...]
    lengths: tuple[int, ...]
    average_length: float
    document_frequency: dict[str, int]

    def score(self, stems: list[str]) -> list[float]:
        count = len(self.terms)
        scores = [0.0] * count
        for word in set(stems):
            frequency = self.document_frequency.get(word, 0)
            if not frequency:
                continue
            idf = math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for position, terms in enumerate(self.terms):
                tf = terms.get(word, 0)
                if tf:
                    norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[position] / self.average_length)
                    scores[position] += idf * tf * (BM25_K1 + 1) / (tf + norm)
        return scores


@dataclass(frozen=True)
class Scores:
    """How close each event (in index order) is to one question."""

    meaning: npt.NDArray[np.float32]
    words: list[float]


def load_meaning(db: sqlite_utils.Database) -> MeaningIndex | None:
    """The vectors `data build` stored; None for a database built without them."""
    if "vectors" not in db.table_names():
        return None
    grouped: dict[str, tuple[list[bytes], list[str], list[int]]] = {"event": ([], [], []), "quote": ([], [], []), "entity": ([], [], [])}
    for row in db["vectors"].rows_where(order_by="owner, id, position", select="owner, id, vector"):
        blobs, ids, starts = grouped[row["owner"]]
        if not ids or ids[-1] != row["id"]:
            ids.append(row["id"])
            starts.append(len(blobs))
        blobs.append(row["vector"])

    def pack(owner: str) -> tuple[Any, tuple[str, ...], Any]:
        blobs, ids, starts = grouped[owner]
        return meaning.unpack_all(blobs), tuple(ids), np.asarray(starts, dtype=np.intp)

    events, quotes, entities = pack("event"), pack("quote"), pack("entity")
    return MeaningIndex(*events, *quotes, *entities)


def build_word_index(texts: list[str]) -> WordIndex:
    terms = tuple(Counter(stem(word) for word in split_words(text)) for text in texts)
    lengths = tuple(sum(counter.values()) for counter in terms)
    frequency: Counter[str] = Counter()
    for counter in terms:
        frequency.update(counter.keys())
    return WordIndex(terms, lengths, (sum(lengths) / len(lengths)) if lengths else 1.0, dict(frequency))


def best_per_owner(matrix: npt.NDArray[np.float32], starts: npt.NDArray[np.intp], vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The best cosine of each owner's rows (rows of one owner are contiguous)."""
    if not len(starts):
        return np.zeros(0, dtype=np.float32)
    similarities = matrix @ vector
    return np.maximum.reduceat(similarities, starts).astype(np.float32)


def score_question(vectors: MeaningIndex | None, words: WordIndex, event_order: dict[str, int], text: str,
                   stems: list[str]) -> Scores:
    """Every event's closeness to `text` by meaning (0 without vectors) and by words."""
    word_scores = words.score(stems)
    if vectors is None:
        return Scores(np.zeros(len(word_scores), dtype=np.float32), word_scores)
    question = meaning.encode_one(text)
    by_event = best_per_owner(vectors.events, vectors.event_starts, question)
    ordered = np.zeros(len(word_scores), dtype=np.float32)
    for event_id, similarity in zip(vectors.event_ids, by_event):
        position = event_order.get(event_id)
        if position is not None:
            ordered[position] = similarity
    return Scores(ordered, word_scores)
