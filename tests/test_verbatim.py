from __future__ import annotations

import pytest

from bot.curation.verbatim import explain_mismatch, spans_of

TEXT = "Peu après 12h30, heure du Pacifique, la société a publié une déclaration. Brockman a annoncé qu’il avait « démissionné »."


def test_spans_of_finds_every_occurrence() -> None:
    assert spans_of("a", "banana") == [(1, 2), (3, 4), (5, 6)]
    assert spans_of("x", "banana") == []


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        ("Brockman a annoncé qu'il avait", "only in apostrophes"),
        ('qu’il avait "démissionné"', "only in apostrophes"),
        ("la société a publiée une déclaration", "«la société a publié une déclaration»"),
        ("Peu après 12h45, heure du Pacifique", "closest passage"),
    ],
)
def test_mismatch_points_at_the_intended_passage(quote: str, words: str) -> None:
    assert quote not in TEXT
    assert words in explain_mismatch(quote, TEXT)
