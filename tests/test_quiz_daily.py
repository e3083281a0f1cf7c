from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.index import SagaIndex, load_index
from bot.quiz.daily import judge_daily_answer, make_daily_question, phrase_daily_question


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def test_the_same_event_gives_the_same_question(index: SagaIndex) -> None:
    first, second = make_daily_question(index, "board-fires-altman"), make_daily_question(index, "board-fires-altman")
    assert first is not None and first == second
    assert len({choice.value for choice in first.choices}) == 4
    assert first.right_choice.value == "openai-board"


def test_judging_says_right_or_gives_the_answer_and_why(index: SagaIndex) -> None:
    question = make_daily_question(index, "board-fires-altman")
    assert question is not None
    wrong = (question.right + 1) % 4
    assert judge_daily_answer(question, question.right, "en").startswith("✅")
    verdict = judge_daily_answer(question, wrong, "fr")
    assert verdict.startswith("❌") and "conseil d'administration d'OpenAI" in verdict and "17 novembre 2023" in verdict
    assert "1." in phrase_daily_question(question, "en")


def test_a_disputed_event_has_no_question(index: SagaIndex) -> None:
    # The letter's signatory count is disputed (505 vs « près de 500 »): nothing is asked about it.
    assert make_daily_question(index, "employees-letter") is None
