"""`python -m bot quiz sample`: a batch of generated questions as a curator reads them; and, over
400 of them in both languages, the properties a fair quiz needs (no giveaway by position, by a
name in the stem, by an only November event among old ones, by Friday being always the answer)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.answering.index import SagaIndex, load_index
from bot.quiz.sample import SampledQuestion, sample_questions
from bot.saga.dates import parse_point

SAMPLED = 400


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture(scope="module", params=[("medium", 0), ("medium", 1000), ("easy", 0), ("hard", 0)], ids=str)
def batch(request: pytest.FixtureRequest, index: SagaIndex) -> list[SampledQuestion]:
    difficulty, seed = request.param
    return sample_questions(index, SAMPLED, seed, difficulty)


def names_as_words(text: str, stem: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(text.casefold())}(?!\w)", stem.casefold()) is not None


def test_a_batch_has_both_languages_and_at_least_five_kinds(batch: list[SampledQuestion]) -> None:
    assert len(batch) == SAMPLED
    assert Counter(question.locale for question in batch) == {"fr": SAMPLED // 2, "en": SAMPLED // 2}
    assert len({question.kind for question in batch}) >= 5


def test_the_right_answer_is_anywhere(batch: list[SampledQuestion]) -> None:
    positions = Counter(question.answer for question in batch)
    assert all(0.15 <= positions[position] / len(batch) <= 0.35 for position in range(4)), positions


def test_no_choice_is_named_in_its_own_stem_and_no_two_are_alike(batch: list[SampledQuestion]) -> None:
    for question in batch:
        texts = [text for text, _ in question.choices]
        assert len(set(texts)) == len(texts), question.stem
        assert not [text for text in texts if names_as_words(text, question.stem)], question.stem


def test_order_questions_are_about_the_saga_days(batch: list[SampledQuestion], index: SagaIndex) -> None:
    calendar = index.calendar
    assert calendar is not None
    orders = [question for question in batch if question.kind == "order"]

    def in_saga(iso: str | None) -> bool:
        return iso is not None and calendar.contains(parse_point(iso.split("/")[0]).start or "")

    def count_inside(question: SampledQuestion) -> int:
        if all(date is None for _, date in question.choices):
            # "Put in order": each choice orders the same three events, so it is as inside as they are.
            events = [index.events_by_id[event_id].date.iso for event_id in question.events]
            return len(question.choices) if all(in_saga(iso) for iso in events) else 0
        return sum(in_saga(date) for _, date in question.choices)

    inside = [question for question in orders if count_inside(question) >= 3]
    assert orders and len(inside) >= 0.7 * len(orders)


def test_no_one_day_answers_most_when_questions(batch: list[SampledQuestion]) -> None:
    answers = Counter(question.choices[question.answer][1] for question in batch if question.kind == "when")
    assert answers and answers.most_common(1)[0][1] <= 0.4 * sum(answers.values()), answers.most_common(3)


def test_french_questions_use_french_names(batch: list[SampledQuestion], index: SagaIndex) -> None:
    english = {entity.name for entity in index.entities.values() if entity.names.get("fr", entity.name) != entity.name}
    for question in batch:
        if question.locale == "fr":
            shown = " ".join([question.stem, *(text for text, _ in question.choices)])
            assert not [name for name in english if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", shown)], question.stem


def test_the_command_prints_one_json_object_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "sample", "--count", "6", "--seed", "7", "--locale", "fr", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 6
    for record in records:
        assert set(record) == {"kind", "difficulty", "locale", "stem", "choices", "answer", "events", "explanation"}
        assert record["locale"] == "fr" and record["difficulty"] == "medium"
        assert len(record["choices"]) == 4 and 0 <= record["answer"] < 4
        assert all(set(choice) == {"text", "date"} for choice in record["choices"])
        if record["kind"] in ("order", "when"):
            assert all(choice["date"] for choice in record["choices"])


def test_the_command_refuses_a_count_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "sample", "--count", "0"]) == 2
    assert "--count wants a number from 1 to 10000" in capsys.readouterr().err
