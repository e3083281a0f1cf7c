"""What every kind of question shares: a candidate (a question that can be asked, built on
demand with the quiz's random generator and difficulty), the choice of distractors by how close
they are to the answer, and the shuffling of the four choices."""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..questions import CHOICE_COUNT, Choice, Difficulty, Kind, Passage, Question

T = TypeVar("T")
WRONG_COUNT = CHOICE_COUNT - 1


@dataclass(frozen=True)
class Candidate:
    """A question the saga can support; `make(rng, difficulty, taken)` words it with three
    distractors drawn for a difficulty, showing none of the `taken` events (those the quiz
    asks about elsewhere); None when the draw cannot give four distinct choices."""

    key: str
    kind: Kind
    event_id: str | None
    obscurity: float
    make: Callable[[random.Random, Difficulty, frozenset[str]], Question | None]


def pick_by_closeness(rng: random.Random, ranked: Sequence[T], difficulty: Difficulty, count: int = WRONG_COUNT) -> list[T]:
    """`count` items of `ranked` (closest to the answer first): among the closest for a hard
    question, the farthest for an easy one, anywhere for a medium one."""
    if len(ranked) < count:
        return []
    # A little room beyond the closest few, so that two hard questions on one answer differ;
    # none for a single pick among few (an order question's sets of dates).
    width = max(count + 2 if count > 1 else 1, len(ranked) // 3)
    if difficulty == "hard":
        window = list(ranked[:width])
    elif difficulty == "easy":
        window = list(ranked[-width:])
    else:
        window = list(ranked)
    return rng.sample(window, count)


def assemble(rng: random.Random, key: str, kind: Kind, difficulty: Difficulty, prompt: dict[str, str], right: Choice,
             wrong: Sequence[Choice], explanation: dict[str, str], event_id: str | None, passages: Sequence[Passage],
             obscurity: float, related_events: Sequence[str] = (), asked: dict[str, str] | None = None) -> Question | None:
    """The question with its four choices shuffled; None unless they are four distinct ones."""
    choices = [right, *wrong]
    if len(choices) != CHOICE_COUNT or len({choice.value for choice in choices}) != CHOICE_COUNT:
        return None
    if any(len({choice.label[locale] for choice in choices}) != CHOICE_COUNT for locale in right.label):
        return None  # two choices worded alike would look like two right answers
    rng.shuffle(choices)
    return Question(key=key, kind=kind, difficulty=difficulty, prompt=prompt, choices=tuple(choices),
                    right=choices.index(right), explanation=explanation, event_id=event_id, passages=tuple(passages),
                    obscurity=obscurity, related_events=tuple(related_events), asked=dict(asked or {}))
