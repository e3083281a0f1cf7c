"""A batch of generated questions for a curator to read before members meet them
(`python -m bot quiz sample`): drawn as quizzes are, one seed after another, so the batch is
what servers would get."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..answering.index import SagaIndex
from ..answering.normalize import Locale
from .generator import MAX_QUESTIONS, generate_quiz
from .questions import Difficulty, KindChoice, Question


@dataclass(frozen=True)
class SampledQuestion:
    """One question as a member would read it, in one language."""

    kind: str
    difficulty: str
    locale: Locale
    stem: str
    # each choice's words, and its date as the data writes it when the choice is an event or a day
    choices: tuple[tuple[str, str | None], ...]
    answer: int
    events: tuple[str, ...]
    explanation: str

    def to_json(self) -> str:
        record: dict[str, Any] = {
            "kind": self.kind, "difficulty": self.difficulty, "locale": self.locale, "stem": self.stem,
            "choices": [{"text": text, "date": date} for text, date in self.choices], "answer": self.answer,
            "events": list(self.events), "explanation": self.explanation,
        }
        return json.dumps(record, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [f"[{self.kind} · {self.difficulty} · {self.locale}] {self.stem}"]
        lines += [f"  {'*' if position == self.answer else ' '} {position + 1}. {text}"
                  for position, (text, _) in enumerate(self.choices)]
        lines += ["    " + line for line in self.explanation.splitlines()]
        return "\n".join(lines)


def sample_questions(index: SagaIndex, count: int, seed: int = 0, difficulty: Difficulty = "medium",
                     kind: KindChoice = "mixed", locales: tuple[Locale, ...] = ("fr", "en")) -> list[SampledQuestion]:
    """`count` questions from quizzes of seeds `seed`, `seed + 1`, …; the languages take turns."""
    sampled: list[SampledQuestion] = []
    quiz_seed = seed
    while len(sampled) < count:
        questions = generate_quiz(index, MAX_QUESTIONS, difficulty, kind, quiz_seed)
        if not questions:
            break
        for question in questions[: count - len(sampled)]:
            sampled.append(read_question(index, question, locales[len(sampled) % len(locales)]))
        quiz_seed += 1
    return sampled


def read_question(index: SagaIndex, question: Question, locale: Locale) -> SampledQuestion:
    """A question in one language, each choice with its date when it is an event or a day."""
    choices = tuple((choice.label[locale], _date_of(index, choice.value, choice.category)) for choice in question.choices)
    events = tuple(event for event in (question.event_id, *question.related_events) if event)
    return SampledQuestion(question.kind, question.difficulty, locale, question.prompt[locale], choices, question.right,
                           events, question.explanation[locale])


def _date_of(index: SagaIndex, value: str, category: str) -> str | None:
    event = index.events_by_id.get(value) if category == "event" else None
    if event is not None:
        return event.date.iso
    return value if category in ("day", "minute", "month", "year") else None
