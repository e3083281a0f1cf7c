"""A quiz question as data: four choices, exactly one right, its explanation, and the verbatim
passages it rests on; serialisable to JSON so a running quiz survives a restart unchanged.

Questions are worded once, when they are generated, in both languages: a rebuild of the saga
database in the middle of a quiz must not change the choices members are looking at.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..answering.index import Source

Kind = Literal["who", "when", "quote", "role", "order", "figures"]
KindChoice = Literal["who", "when", "quote", "role", "order", "figures", "mixed"]
Difficulty = Literal["easy", "medium", "hard"]
KINDS: tuple[Kind, ...] = ("who", "when", "quote", "role", "order", "figures")
KIND_CHOICES: tuple[KindChoice, ...] = (*KINDS, "mixed")
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")
CHOICE_COUNT = 4
# The blank that stands for what is asked in a masked sentence: a symbol, not a word.
BLANK = "___"


@dataclass(frozen=True)
class Choice:
    """One of the four choices: what it is (`value`: an entity id, an ISO date, an event id, a
    number), its `category` (the kind of thing it is, the same for all four) and its words."""

    value: str
    category: str
    label: dict[str, str]


# A verbatim passage of an article the question or its answer rests on: the saga's own Source.
Passage = Source


@dataclass(frozen=True)
class Question:
    key: str  # stable across quizzes ("who:board-fires-altman"): what "asked before" means
    kind: Kind
    difficulty: Difficulty
    prompt: dict[str, str]
    choices: tuple[Choice, ...]
    right: int
    explanation: dict[str, str]
    event_id: str | None = None
    passages: tuple[Passage, ...] = ()
    obscurity: float = 0.0
    # other events the question names (an order question's four): none of them is asked again
    related_events: tuple[str, ...] = field(default_factory=tuple)
    # what exactly is asked, by kind: {"role": "cto", "of": "openai", "date": "2023-11-17"},
    # {"date": "2023-11-20"}, {"measure": "shear-plan-duration"}, {"direction": "first"}, {"quote": id}
    asked: dict[str, str] = field(default_factory=dict)

    @property
    def right_choice(self) -> Choice:
        return self.choices[self.right]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Question:
        data: dict[str, Any] = json.loads(text)
        return cls(
            key=data["key"], kind=data["kind"], difficulty=data["difficulty"], prompt=data["prompt"],
            choices=tuple(Choice(**choice) for choice in data["choices"]), right=data["right"],
            explanation=data["explanation"], event_id=data.get("event_id"),
            passages=tuple(Passage(**passage) for passage in data.get("passages", ())),
            obscurity=data.get("obscurity", 0.0), related_events=tuple(data.get("related_events", ())),
            asked=data.get("asked", {}),
        )
