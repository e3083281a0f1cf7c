from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation.problems import DataError
from bot.curation.yamlfile import line_at, load_yaml


def test_items_remember_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("# comment\n- id: a\n  when: 2023-11-17\n- id: b\n  tags:\n    - one\n    - two\n", encoding="utf-8")
    document = load_yaml(path, "x.yaml")
    assert line_at(document, (0,)) == 2
    assert line_at(document, (0, "when")) == 3
    assert line_at(document, (1, "tags", 1)) == 7
    assert line_at(document, (1, "missing")) == 4
    # Dates stay text at their own precision instead of becoming datetime objects.
    assert document[0]["when"] == "2023-11-17"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- id: a\n  when: [2023\n", 3, "not valid YAML"),
        ("- id: a\n    bad: indent\n", 2, "not valid YAML"),
        ("- id: a\n  id: b\n", 2, "appears twice"),
    ],
)
def test_yaml_errors_are_located(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_yaml(path, "x.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "x.yaml" and problem.line == line and words in problem.message


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("- id: é\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        load_yaml(path, "x.yaml")
