"""The saga's knowledge lives in data/, not in the answering engine's code: a new article
should need data edits only. The engine's code may name no entity id, no name of a person
or organisation of the saga, and no date; docstrings and comments may use them as examples."""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT

ENGINE = sorted((PROJECT_ROOT / "bot" / "answering").glob("*.py"))
DATE = re.compile(r"\b(?:19|20)\d{2}-\d{2}\b|\b(?:19|20)\d{2}\b")


def _code_strings_and_names(path: Path) -> list[str]:
    """The string literals and names of the code, without comments and docstrings."""
    found: list[str] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        is_docstring = token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL)
        if token.type in (tokenize.STRING, tokenize.NAME, tokenize.NUMBER) and not is_docstring:
            found.append(token.string)
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return found


def _saga_words() -> set[str]:
    entities = yaml.safe_load((PROJECT_ROOT / "data" / "entities.yaml").read_text(encoding="utf-8"))
    words = set()
    for entity in entities:
        words.add(entity["id"].lower())
        for name in [entity["name"], *entity.get("aliases", []), *entity.get("nicknames", [])]:
            words |= {part.lower() for part in re.findall(r"[A-Za-zÀ-ÿ]{4,}", name) if part[0].isupper()}
    return words


SAGA_WORDS = _saga_words()


@pytest.mark.parametrize("path", ENGINE, ids=lambda path: path.name)
def test_engine_code_names_no_saga_entity_or_date(path: Path) -> None:
    named = []
    for token in _code_strings_and_names(path):
        text = token.lower()
        hits = {word for word in SAGA_WORDS if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text)}
        if hits or (token[:1] in "\"'" and DATE.search(token)):
            named.append((token, sorted(hits)))
    assert named == [], f"{path.name} names saga knowledge in code; move it to data/: {named}"


def test_the_check_would_catch_a_name_and_a_date(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Docstrings may say Murati."""\nX = {"mira-murati": "2023-11-17"}  # and comments Altman\n', encoding="utf-8")
    tokens = _code_strings_and_names(sample)
    assert '"mira-murati"' in tokens and '"2023-11-17"' in tokens
    assert not any("Docstrings" in token or "Altman" in token for token in tokens)
    assert "mira-murati" in SAGA_WORDS and "murati" in SAGA_WORDS
