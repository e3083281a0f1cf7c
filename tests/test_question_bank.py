"""The blind question bank is sound: every evidence passage is verbatim in its article, the
ids are unique, the kinds and fields are the documented ones, and the bank has the shape the
measurement needs (both languages, unanswerable questions, frozen splits)."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.settings import PROJECT_ROOT

BANK = PROJECT_ROOT / "benchmarks" / "questions"
KINDS = {"who", "who_said", "when", "how_many", "what", "why", "where", "unanswerable"}


def _load(split: str) -> list[dict]:
    return [json.loads(line) for line in (BANK / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


SPLITS = ("dev", "test", "holdout")
QUESTIONS = {split: _load(split) for split in SPLITS}
ALL = [question for split in SPLITS for question in QUESTIONS[split]]


def test_ids_are_unique_across_splits() -> None:
    counts = Counter(question["id"] for question in ALL)
    assert [key for key, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("question", ALL, ids=lambda question: question["id"])
def test_question_is_well_formed(question: dict, project) -> None:
    assert question["lang"] in ("fr", "en")
    assert question["kind"] in KINDS
    assert question["question"].strip()
    expected = question.get("expected", {})
    wanted = {"who": "people", "who_said": "people", "when": "date", "how_many": "number"}.get(question["kind"])
    if wanted:
        assert expected.get(wanted), f"{question['id']}: a {question['kind']} question needs expected.{wanted}"
    if question["kind"] != "unanswerable":
        assert question["evidence"], f"{question['id']}: an answerable question needs evidence"
    for passage in question.get("evidence", []):
        text = (project.seeds_dir / passage["article"]).read_text(encoding="utf-8")
        assert passage["quote"] in text, f"{question['id']}: not verbatim in {passage['article']}: {passage['quote']!r}"


def test_bank_has_the_shape_the_measurement_needs() -> None:
    assert len(ALL) >= 400
    languages = Counter(question["lang"] for question in ALL)
    assert abs(languages["fr"] - languages["en"]) <= len(ALL) * 0.1
    unanswerable = sum(question["kind"] == "unanswerable" for question in ALL)
    assert unanswerable >= 0.15 * len(ALL)
    for split in SPLITS:
        assert {question["kind"] for question in QUESTIONS[split]} == KINDS
