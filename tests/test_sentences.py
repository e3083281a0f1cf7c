from __future__ import annotations

import pytest

from bot.curation.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Un. Deux.", ["Un.", "Deux."]),
        ("M. Altman est parti. Il revient.", ["M. Altman est parti.", "Il revient."]),
        ("la barque de Microsoft.Le scientifique parle.", ["la barque de Microsoft.", "Le scientifique parle."]),
        ("nos employés. »Les rapports disent.", ["nos employés. »", "Les rapports disent."]),
        ("Voir pic.twitter.com/M4D0 et ZDNet.com ici.", ["Voir pic.twitter.com/M4D0 et ZDNet.com ici."]),
        ("Titre sans point\nTexte.", ["Titre sans point", "Texte."]),
        ("Il a dit : « Oui. » Puis rien.", ["Il a dit : « Oui. »", "Puis rien."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [sentence.text for sentence in split_sentences(text)] == expected


def test_spans_and_lines_point_into_the_text() -> None:
    text = "Premier.\n\nSecond ici. Troisième."
    sentences = split_sentences(text)
    assert [s.line for s in sentences] == [1, 3, 3]
    assert all(text[s.start : s.end] == s.text for s in sentences)
