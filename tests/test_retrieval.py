"""Finding events by meaning and by words: BM25 over the events' texts, the best of each
owner's vectors, and the vectors `data build` stores for every event, quote and entity."""
from __future__ import annotations

import numpy as np
import pytest
import sqlite_utils

from bot.answering.index import SagaIndex
from bot.answering.retrieval import best_per_owner, build_word_index, load_meaning


def test_a_rare_shared_word_ranks_its_text_first() -> None:
    words = build_word_index(["Microsoft publie Orca 2, un petit modèle.", "Microsoft recrute Altman.", "Le conseil renvoie Altman."])
    scores = words.score(["orca"])
    assert scores[0] > 0 and scores[1] == scores[2] == 0


def test_a_common_word_weighs_less_than_a_rare_one() -> None:
    words = build_word_index(["altman microsoft", "altman conseil", "altman orca"])
    assert words.score(["orca"])[2] > words.score(["altman"])[2] > 0


def test_the_best_row_of_each_owner_is_kept() -> None:
    matrix = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.0, -1.0]], dtype=np.float32)
    best = best_per_owner(matrix, np.array([0, 2], dtype=np.intp), np.array([0.0, 1.0], dtype=np.float32))
    assert best.tolist() == pytest.approx([1.0, 0.8])


def test_every_event_quote_and_entity_has_vectors(saga_index: SagaIndex) -> None:
    vectors = saga_index.vectors
    assert vectors is not None
    assert set(vectors.event_ids) == {event.id for event in saga_index.events}
    assert set(vectors.quote_ids) == {quote.id for quote in saga_index.quotes}
    assert set(vectors.entity_ids) == set(saga_index.entities)
    # an event has a vector per summary and per source
    assert len(vectors.events) == sum(2 + len(event.sources) for event in saga_index.events)


def test_a_database_without_vectors_is_read_without_them() -> None:
    db = sqlite_utils.Database(memory=True)
    db["events"].insert({"id": "x"})
    assert load_meaning(db) is None


@pytest.mark.parametrize(("question", "event_id"), [
    ("c koi orca 2", "msr-ai-frontiers-orca-2"),
    ("what is Microsoft's custom AI chip called?", "maia-ai-chip"),
    ("qui a renvoyé Sam Altman ?", "board-fires-altman"),
])
def test_a_question_finds_its_event_among_the_closest(saga_index: SagaIndex, question: str, event_id: str) -> None:
    scores = saga_index.score(question)
    fused = scores.meaning + 0.2 * np.array(scores.words) / (max(scores.words) or 1.0)
    closest = [saga_index.events[position].id for position in np.argsort(-fused)[:3]]
    assert event_id in closest
