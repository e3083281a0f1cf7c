"""A quiz's questions: drawn from the candidates of the asked kinds, at the asked difficulty,
never twice the same question or event in a quiz, and preferably none a server saw recently.

An event is asked about once per quiz; an event only shown beside another (the three other
events of an order question, whose dates the reveal gives) is never asked about afterwards,
but may be shown again.

Everything random goes through one `random.Random(seed)`, and every list it draws from is in a
fixed order: the same seed over the same saga database gives the same quiz.
"""
from __future__ import annotations

import random
from collections.abc import Collection

from ..answering.index import SagaIndex
from .kinds import Candidate, list_candidates
from .questions import KINDS, Difficulty, Kind, KindChoice, Question

MIN_QUESTIONS, MAX_QUESTIONS, DEFAULT_QUESTIONS = 5, 20, 10
# A mixed quiz leans on the kinds the saga supports best (many events, many quotes).
MIX_WEIGHTS: dict[Kind, int] = {"who": 3, "when": 2, "quote": 3, "role": 1, "order": 2, "figures": 1}
# Share of a kind's candidates, by obscurity, that an easy (the best known) or a hard (the most
# obscure) question is drawn from; the two overlap so that small kinds still have a choice.
BAND_SHARE = 0.6


def generate_quiz(index: SagaIndex, count: int = DEFAULT_QUESTIONS, difficulty: Difficulty = "medium",
                  kind: KindChoice = "mixed", seed: int = 0, avoid: Collection[str] = ()) -> list[Question]:
    """Up to `count` questions (fewer when the saga has too few of the kind); `avoid` holds the
    keys of questions asked recently, used only when nothing else is left."""
    rng = random.Random(seed)
    pools = list_candidates(index)
    kinds: tuple[Kind, ...] = KINDS if kind == "mixed" else (kind,)
    used_keys: set[str] = set()
    asked_events: set[str] = set()
    used_events: set[str] = set()  # asked or shown
    used_answers: set[str] = set()  # the dates when-questions answered: the next one prefers another
    questions: list[Question] = []
    previous: Kind | None = None
    while len(questions) < count:
        open_kinds = [k for k in kinds if _list_fresh(pools[k], used_keys, used_events)]
        if not open_kinds:
            break
        # Not the same kind twice in a row when another is left: a mixed quiz should feel mixed.
        varied = [k for k in open_kinds if k != previous] or open_kinds
        chosen = rng.choices(varied, weights=[MIX_WEIGHTS[k] for k in varied])[0]
        question = _draw(rng, _list_fresh(pools[chosen], used_keys, used_events), difficulty, asked_events, set(avoid),
                         used_answers)
        if question is None:
            # Nothing of this kind can be worded any more: drop its remaining candidates.
            used_keys |= {candidate.key for candidate in pools[chosen]}
            continue
        questions.append(question)
        used_keys.add(question.key)
        asked_events |= {question.event_id} if question.event_id else set()
        used_events |= {event for event in (question.event_id, *question.related_events) if event}
        used_answers |= {question.right_choice.value} if question.kind == "when" else set()
        previous = chosen
    return questions


def count_available(index: SagaIndex, kind: KindChoice = "mixed") -> int:
    """How many distinct questions the saga supports for a kind (an upper bound for a quiz)."""
    pools = list_candidates(index)
    kinds = KINDS if kind == "mixed" else (kind,)
    return len({candidate.key for k in kinds for candidate in pools[k]})


def _list_fresh(candidates: list[Candidate], used_keys: set[str], used_events: set[str]) -> list[Candidate]:
    return [candidate for candidate in candidates if candidate.key not in used_keys and candidate.event_id not in used_events]


def _draw(rng: random.Random, fresh: list[Candidate], difficulty: Difficulty, asked_events: set[str],
          avoid: set[str], used_answers: Collection[str] = ()) -> Question | None:
    """One question from the difficulty's band, preferring questions not asked recently, and a
    when-question whose day the quiz has not answered yet: most events happen on two days, and
    a quiz whose every "when" is Friday teaches members to answer Friday."""
    banded = _band(fresh, difficulty)
    tiers = ([c for c in banded if c.key not in avoid], [c for c in fresh if c.key not in avoid], banded, fresh)
    tried: set[str] = set()
    repeated: Question | None = None
    for tier in tiers:
        remaining = [candidate for candidate in tier if candidate.key not in tried]
        while remaining:
            candidate = remaining.pop(rng.randrange(len(remaining)))
            tried.add(candidate.key)
            question = candidate.make(rng, difficulty, frozenset(asked_events))
            if question is None or set(question.related_events) & asked_events:
                continue
            if question.kind == "when" and question.right_choice.value in used_answers:
                repeated = repeated or question
                continue
            return question
    return repeated


def _band(candidates: list[Candidate], difficulty: Difficulty) -> list[Candidate]:
    """The best known candidates for easy, the most obscure for hard, all for medium."""
    ordered = sorted(candidates, key=lambda candidate: (candidate.obscurity, candidate.key))
    size = max(1, round(len(ordered) * BAND_SHARE))
    if difficulty == "easy":
        return ordered[:size]
    if difficulty == "hard":
        return ordered[-size:]
    return ordered
