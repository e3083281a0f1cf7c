"""The lexicon read from the saga database: hurried spellings are read as the words they
stand for, whole words only, and nothing else of the text changes."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.answering.index import SagaIndex
from bot.answering.lexicon import Lexicon, fold_phrase, respell

LEXICON = Lexicon(spellings={"wat": "what", "happend": "happened", "koi": "quoi", "c": "c'est", "lol": ""})


@pytest.mark.parametrize(("typed", "read"), [
    ("wat happend on friday", "what happened on friday"),
    ("c koi orca 2", "c'est quoi orca 2"),
    ("c'est qui la CTO", "c'est qui la CTO"),
    ("WAT happend lol ?", "what happened ?"),
    ("l'e-mail de c-suite", "l'e-mail de c-suite"),
    ("watson happended", "watson happended"),
])
def test_hurried_spellings_are_read_as_words(typed: str, read: str) -> None:
    assert respell(LEXICON, typed) == read


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_text_without_hurried_spellings_keeps_its_words(text: str) -> None:
    assert respell(Lexicon(), text) == text
    assert isinstance(respell(LEXICON, text), str)


def test_the_shipped_lexicon_is_loaded_folded(saga_index: SagaIndex) -> None:
    lexicon = saga_index.lexicon
    assert lexicon.spellings and lexicon.quantity_phrases and lexicon.measure_synonyms
    assert all(word == fold_phrase(word) for word in lexicon.replace_words | lexicon.speech_words)
    assert "percent" in lexicon.asked_units.get("pourcentage", frozenset())
