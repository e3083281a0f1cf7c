"""One quiz in one channel, as a state machine: a question is open, then revealed, then the next
one opens, until the last one, a stop, or two questions in a row that nobody answered.

Time is never read here: every call takes `now` (seconds, e.g. `time.time()`), and
`next_wakeup()` says when the adapter should call `advance(now)` again. Nothing sleeps, so the
tests drive a whole quiz in microseconds, and Discord and the console share the same rules.

Scoring: a right answer earns `max_points` when given at once, down to half of it at the last
moment (never less than half); a wrong or missing answer earns nothing and breaks the streak.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from .questions import Question


class Phase(StrEnum):
    OPEN = "open"          # the question takes answers
    REVEALED = "revealed"  # the answer is shown; the next question opens after a pause
    ENDED = "ended"


class EndReason(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"
    SILENT = "silent"      # no answer to `silent_limit` questions in a row
    RESTART = "restart"    # closed with the standings so far after the bot restarted


class ClickStatus(StrEnum):
    ACCEPTED = "accepted"
    ALREADY_ANSWERED = "already_answered"
    LATE = "late"          # after the deadline, after the reveal, or a button of an earlier question
    BOT = "bot"            # bots never play
    ENDED = "ended"        # the quiz no longer runs
    INVALID = "invalid"    # not one of the choices
    NOT_SAVED = "not_saved"  # the state database refused the answer, even after retries: it does not count


@dataclass(frozen=True)
class Rules:
    question_seconds: float = 20.0
    reveal_seconds: float = 8.0
    max_points: int = 1000
    silent_limit: int = 2
    # From the second question on, reveal as soon as everyone who has played so far answered.
    early_reveal: bool = True


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    is_bot: bool = False


@dataclass(frozen=True)
class Answer:
    number: int
    member_id: str
    member_name: str
    choice: int
    correct: bool
    points: int
    answered_at: float
    elapsed: float


@dataclass
class Player:
    member_id: str
    name: str
    points: int = 0
    right: int = 0
    answered: int = 0
    streak: int = 0
    best_streak: int = 0


@dataclass(frozen=True)
class Standing:
    rank: int
    member_id: str
    name: str
    points: int
    right: int
    answered: int
    best_streak: int


@dataclass(frozen=True)
class ClickResult:
    status: ClickStatus
    answer: Answer | None = None


@dataclass(frozen=True)
class PlayerResult:
    member_id: str
    name: str
    choice: int | None  # None: a member who played before gave no answer to this question
    correct: bool
    points: int
    streak: int


@dataclass(frozen=True)
class QuestionOpened:
    quiz_id: int
    channel_id: str
    number: int  # 0-based; shown as number + 1
    total: int
    question: Question
    opened_at: float
    deadline: float
    resumed: bool = False


@dataclass(frozen=True)
class QuestionRevealed:
    quiz_id: int
    channel_id: str
    number: int
    total: int
    question: Question
    counts: tuple[int, ...]     # members per choice
    shares: tuple[float, ...]   # share of the answering members per choice (0 when nobody answered)
    results: tuple[PlayerResult, ...]


@dataclass(frozen=True)
class QuizEnded:
    quiz_id: int
    channel_id: str
    reason: EndReason
    standings: tuple[Standing, ...]
    winners: tuple[str, ...]    # member ids; empty when nobody scored
    counts_for_wins: bool       # at least two human players
    stopped_by: str | None = None


Step = QuestionOpened | QuestionRevealed | QuizEnded


@dataclass(frozen=True)
class StopResult:
    allowed: bool
    steps: tuple[Step, ...] = ()


def score_answer(elapsed: float, rules: Rules) -> int:
    """Points for a right answer `elapsed` seconds after the question opened: from `max_points`
    at once down to half of it at the deadline, never less."""
    late = min(max(elapsed / rules.question_seconds, 0.0), 1.0) if rules.question_seconds > 0 else 0.0
    return max(round(rules.max_points * (1 - late / 2)), math.ceil(rules.max_points / 2))


@dataclass
class QuizSession:
    quiz_id: int
    guild_id: str
    channel_id: str
    starter_id: str
    locale: str
    questions: list[Question]
    rules: Rules = field(default_factory=Rules)
    number: int = 0
    phase: Phase = Phase.OPEN
    opened_at: float = 0.0
    revealed_at: float | None = None
    answers: dict[int, dict[str, Answer]] = field(default_factory=dict)
    players: dict[str, Player] = field(default_factory=dict)
    silent_in_a_row: int = 0
    end_reason: EndReason | None = None

    # --- the timer

    @property
    def deadline(self) -> float:
        return self.opened_at + self.rules.question_seconds

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def ended(self) -> bool:
        return self.phase is Phase.ENDED

    @property
    def question(self) -> Question:
        return self.questions[self.number]

    def next_wakeup(self) -> float | None:
        """When `advance` has something to do at the latest: the deadline, the end of the reveal's pause."""
        if self.phase is Phase.OPEN:
            return self.deadline
        if self.phase is Phase.REVEALED and self.revealed_at is not None:
            return self.revealed_at + self.rules.reveal_seconds
        return None

    def open_question(self, now: float, resumed: bool = False) -> QuestionOpened:
        """Open the current question (the first one at start, the same one again after a restart)."""
        self.phase, self.opened_at, self.revealed_at = Phase.OPEN, now, None
        return QuestionOpened(self.quiz_id, self.channel_id, self.number, self.total, self.question, now, self.deadline, resumed)

    def advance(self, now: float) -> list[Step]:
        """What the clock makes happen by `now`: the reveal once the deadline passed (or everyone
        answered), the next question once the reveal's pause is over, the end after the last."""
        steps: list[Step] = []
        if self.phase is Phase.OPEN and (now >= self.deadline or self._has_everyone_answered()):
            # The pause counts from when the reveal is shown, not from the deadline: a late call
            # must not skip the reveal members have not seen yet.
            steps += self.reveal(now)
        if self.phase is Phase.REVEALED and self.revealed_at is not None and now >= self.revealed_at + self.rules.reveal_seconds:
            self.number += 1
            steps.append(self.open_question(now))
        return steps

    # --- answers

    def judge_click(self, member: Member, number: int, choice: int, now: float) -> ClickResult:
        """Whether a click counts, without changing anything (the caller stores it, then `add_answer`)."""
        if member.is_bot:
            return ClickResult(ClickStatus.BOT)
        if self.phase is Phase.ENDED:
            return ClickResult(ClickStatus.ENDED)
        if number != self.number or self.phase is not Phase.OPEN or now >= self.deadline:
            return ClickResult(ClickStatus.LATE)
        if member.id in self.answers.get(number, {}):
            return ClickResult(ClickStatus.ALREADY_ANSWERED)
        if not 0 <= choice < len(self.question.choices):
            return ClickResult(ClickStatus.INVALID)
        elapsed = max(now - self.opened_at, 0.0)
        correct = choice == self.question.right
        points = score_answer(elapsed, self.rules) if correct else 0
        answer = Answer(number, member.id, member.name, choice, correct, points, now, round(elapsed, 3))
        return ClickResult(ClickStatus.ACCEPTED, answer)

    def add_answer(self, answer: Answer) -> None:
        """Count an accepted answer (also used to replay stored answers after a restart)."""
        self.answers.setdefault(answer.number, {})[answer.member_id] = answer
        player = self.players.setdefault(answer.member_id, Player(answer.member_id, answer.member_name))
        player.name = answer.member_name

    def record_click(self, member: Member, number: int, choice: int, now: float) -> ClickResult:
        """Judge a click and count it when accepted."""
        result = self.judge_click(member, number, choice, now)
        if result.answer is not None:
            self.add_answer(result.answer)
        return result

    def _has_everyone_answered(self) -> bool:
        given = self.answers.get(self.number, {})
        return self.rules.early_reveal and self.number > 0 and bool(given) and set(self.players) <= set(given)

    # --- reveal, stop, end

    def reveal(self, now: float) -> list[Step]:
        """Close the open question: score it, show the shares, and end the quiz after the last
        question or after too many silent ones."""
        if self.phase is not Phase.OPEN:
            return []
        given = self.answers.get(self.number, {})
        counts = [0] * len(self.question.choices)
        for given_answer in given.values():
            counts[given_answer.choice] += 1
        results = []
        for player in self.players.values():
            answer = given.get(player.member_id)
            if answer is not None and answer.correct:
                player.points += answer.points
                player.right += 1
                player.streak += 1
                player.best_streak = max(player.best_streak, player.streak)
            else:
                player.streak = 0  # a wrong or missing answer breaks the streak
            if answer is not None:
                player.answered += 1
                results.append(PlayerResult(player.member_id, player.name, answer.choice, answer.correct, answer.points, player.streak))
            else:
                results.append(PlayerResult(player.member_id, player.name, None, False, 0, 0))
        self.silent_in_a_row = 0 if given else self.silent_in_a_row + 1
        self.phase, self.revealed_at = Phase.REVEALED, now
        shares = tuple(count / len(given) if given else 0.0 for count in counts)
        steps: list[Step] = [QuestionRevealed(self.quiz_id, self.channel_id, self.number, self.total, self.question,
                                              tuple(counts), shares, tuple(results))]
        if self.silent_in_a_row >= self.rules.silent_limit:
            steps.append(self.end(EndReason.SILENT))
        elif self.number + 1 >= self.total:
            steps.append(self.end(EndReason.COMPLETED))
        return steps

    def stop(self, member_id: str, can_manage_messages: bool, now: float) -> StopResult:
        """Stop at the request of the starter or of a member allowed to manage messages: the open
        question is revealed (its answers count), then the final standings."""
        if self.phase is Phase.ENDED or not (member_id == self.starter_id or can_manage_messages):
            return StopResult(False)
        steps = self.reveal(now)
        if not self.ended:  # reveal() may have ended it
            steps.append(self.end(EndReason.STOPPED, stopped_by=member_id))
        return StopResult(True, tuple(steps))

    def end(self, reason: EndReason, stopped_by: str | None = None) -> QuizEnded:
        self.phase, self.end_reason = Phase.ENDED, reason
        standings = tuple(self.rank_players())
        top = standings[0].points if standings else 0
        winners = tuple(standing.member_id for standing in standings if top > 0 and standing.points == top)
        return QuizEnded(self.quiz_id, self.channel_id, reason, standings, winners, len(self.players) >= 2, stopped_by)

    # --- after a restart

    def replay(self, answers: list[Answer], closed: dict[int, float], number: int, phase: Phase, opened_at: float,
               revealed_at: float | None) -> None:
        """Rebuild the state from what the store kept: every stored answer counted again and every
        closed question scored again, in order, so points and streaks come out as they were."""
        for current in range(number + 1):
            self.number, self.phase, self.opened_at = current, Phase.OPEN, opened_at
            for answer in sorted((a for a in answers if a.number == current), key=lambda a: (a.answered_at, a.member_id)):
                self.add_answer(answer)
            if current in closed:
                self.reveal(closed[current])
        self.number, self.phase, self.opened_at = number, phase, opened_at
        self.revealed_at = revealed_at if phase is Phase.REVEALED else None

    def resume(self, now: float) -> list[Step]:
        """Go on after a restart: the open question opens again with a fresh timer (its answers
        stay, and who answered cannot answer again); after a reveal, the next question opens."""
        if self.phase is Phase.ENDED:
            return []
        if self.phase is Phase.REVEALED:
            self.number += 1
        return [self.open_question(now, resumed=True)]

    def close_after_restart(self, now: float) -> list[Step]:
        """End after a restart that came too late to go on: the open question's answers count."""
        if self.phase is Phase.ENDED:
            return []
        steps = self.reveal(now)
        if not self.ended:  # reveal() may have ended it
            steps.append(self.end(EndReason.RESTART))
        return steps

    def rank_players(self) -> list[Standing]:
        """Points first, then right answers; equal scores share a rank."""
        ordered = sorted(self.players.values(), key=lambda p: (-p.points, -p.right, p.name.casefold(), p.member_id))
        standings: list[Standing] = []
        for position, player in enumerate(ordered, start=1):
            tied = standings and (standings[-1].points, standings[-1].right) == (player.points, player.right)
            rank = standings[-1].rank if tied else position
            standings.append(Standing(rank, player.member_id, player.name, player.points, player.right, player.answered,
                                      player.best_streak))
        return standings
