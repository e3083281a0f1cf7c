"""The "question of the day" under a recap post: one quiz question about that day's event,
answered alone and ephemerally. Built the same way every time for an event, so a click on an
answer days later is judged against the very question that was shown."""
from __future__ import annotations

import random
import zlib

from ..answering.index import SagaIndex
from ..messages import say
from .kinds import list_candidates
from .questions import Kind, Question

# The kinds that ask about the event itself (an order question is about four events).
DAILY_KINDS: tuple[Kind, ...] = ("who", "when", "quote", "figures", "role")


def make_daily_question(index: SagaIndex, event_id: str) -> Question | None:
    """An easy question about `event_id`, the same at every call; None when the saga has none."""
    pools = list_candidates(index)
    seed = zlib.crc32(event_id.encode())
    for kind in DAILY_KINDS:
        for candidate in pools.get(kind, []):
            if candidate.event_id == event_id:
                question = candidate.make(random.Random(seed), "easy", frozenset())
                if question is not None:
                    return question
    return None


def phrase_daily_question(question: Question, locale: str) -> str:
    lines = [question.prompt[locale], ""]
    lines += [say("quiz.choice", locale, number=number, label=choice.label[locale]) for number, choice in enumerate(question.choices, 1)]
    return "\n".join(lines)


def judge_daily_answer(question: Question, choice: int, locale: str) -> str:
    """'Right!' or 'The answer was …', then why, from the saga."""
    verdict = say("daily.right", locale) if choice == question.right else say("daily.wrong", locale, label=question.right_choice.label[locale])
    return f"{verdict}\n{question.explanation[locale]}"
