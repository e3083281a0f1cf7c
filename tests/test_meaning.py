"""Sentence vectors: the multilingual encoder runs offline, its vectors are stable whatever
they are encoded with, and they survive the database's float16 storage."""
from __future__ import annotations

import numpy as np
import pytest

from bot.saga import meaning


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return meaning.encode(["Le conseil d'administration a renvoyé Sam Altman.", "The board fired Sam Altman.",
                           "Microsoft a conçu sa propre puce d'IA."])


def test_vectors_have_unit_length(vectors: np.ndarray) -> None:
    assert vectors.shape == (3, meaning.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_french_sentence_and_its_english_meaning_are_close(vectors: np.ndarray) -> None:
    same, other = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert same > other + 0.2


def test_a_text_encodes_the_same_alone_or_among_others(vectors: np.ndarray) -> None:
    alone = meaning.encode_one("The board fired Sam Altman.")
    assert meaning.pack(alone) == meaning.pack(vectors[1])


def test_stored_vectors_come_back_within_float16_precision(vectors: np.ndarray) -> None:
    restored = meaning.unpack_all([meaning.pack(vector) for vector in vectors])
    assert restored.dtype == np.float32
    assert np.allclose(restored, vectors, atol=2e-3)


def test_no_text_gives_an_empty_matrix() -> None:
    assert meaning.encode([]).shape == (0, meaning.DIMENSIONS)
    assert meaning.unpack_all([]).shape == (0, meaning.DIMENSIONS)
