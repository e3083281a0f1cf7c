"""The quizzes of every channel, kept in memory and in the state database together: each call
changes a session and stores the change before it returns, under one lock, so two clicks in two
worker threads cannot both be the member's one answer.

This is the whole API the adapters need (the Discord cog through `bot.storage.run_sync`, the
console directly); it returns data — steps to show — and `bot.quiz.texts` words them.
"""
from __future__ import annotations

import copy
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..answering.index import SagaIndex
from ..storage import StateDatabase, list_state_errors, retry_write
from . import store
from .generator import DEFAULT_QUESTIONS, MAX_QUESTIONS, MIN_QUESTIONS, generate_quiz
from .questions import Difficulty, KindChoice
from .session import (ClickResult, ClickStatus, Member, QuestionOpened, QuestionRevealed, QuizSession, Rules, Step,
                      StopResult)
from .store import LeaderRow, MemberStats, Period

log = logging.getLogger("sagabot.quiz")

# A quiz the bot comes back to within this many seconds goes on; later, members have moved on
# and it is closed with the standings so far.
RESUME_WINDOW = 600.0


@dataclass(frozen=True)
class StartResult:
    status: Literal["started", "busy", "bad_count", "no_questions"]
    quiz_id: int | None = None
    opened: QuestionOpened | None = None
    requested: int = 0
    count: int = 0  # fewer than requested when the saga has too few questions of the kind


@dataclass(frozen=True)
class ClickOutcome:
    result: ClickResult
    steps: tuple[Step, ...] = ()  # the reveal a last awaited answer brings forward
    choice_label: dict[str, str] | None = None


@dataclass(frozen=True)
class StopOutcome:
    status: Literal["stopped", "denied", "none"]
    steps: tuple[Step, ...] = ()
    starter_id: str | None = None


def draw_seed() -> int:
    return random.SystemRandom().randrange(2**31)


class QuizService:
    def __init__(self, index: SagaIndex, db: StateDatabase, rules: Rules | None = None,
                 resume_window: float = RESUME_WINDOW, make_seed: Callable[[], int] = draw_seed,
                 owns_guild: Callable[[int], bool] = lambda guild_id: True) -> None:
        self.index, self.db = index, db
        # A process running some of the bot's shards resumes the quizzes of its own guilds only:
        # another process drives the others.
        self.owns_guild = owns_guild
        self.rules = rules or Rules()
        self.resume_window = resume_window
        self.make_seed = make_seed
        self._sessions: dict[int, QuizSession] = {}
        self._channels: dict[str, int] = {}
        self._lock = threading.RLock()

    # --- a quiz's life

    def start_quiz(self, guild_id: str, channel_id: str, starter: Member, locale: str, now: float,
                   count: int = DEFAULT_QUESTIONS, difficulty: Difficulty = "medium", kind: KindChoice = "mixed",
                   seed: int | None = None) -> StartResult:
        """Start a quiz in a channel, unless one runs there already; its first question is open."""
        if not MIN_QUESTIONS <= count <= MAX_QUESTIONS:
            return StartResult("bad_count", requested=count)
        with self._lock:
            if channel_id in self._channels:
                return StartResult("busy", quiz_id=self._channels[channel_id], requested=count)
            seed = self.make_seed() if seed is None else seed
            avoid = store.read_recent_keys(self.db, guild_id)
            questions = generate_quiz(self.index, count, difficulty, kind, seed, avoid)
            if not questions:
                return StartResult("no_questions", requested=count)
            quiz_id = store.insert_quiz(self.db, guild_id, channel_id, starter.id, locale, kind, difficulty, seed, self.rules,
                                        questions, now)
            if quiz_id is None:
                # Started meanwhile by another process sharing the database.
                return StartResult("busy", requested=count)
            session = QuizSession(quiz_id, guild_id, channel_id, starter.id, locale, questions, self.rules)
            opened = session.open_question(now)
            store.save_progress(self.db, session, [], now)
            self._sessions[quiz_id], self._channels[channel_id] = session, quiz_id
            return StartResult("started", quiz_id, opened, count, len(questions))

    def record_click(self, quiz_id: int, number: int, member: Member, choice: int, now: float) -> ClickOutcome:
        """A member's answer: stored before it counts; an early reveal when it was the last awaited one."""
        with self._lock:
            session = self._sessions.get(quiz_id)
            if session is None:
                status = ClickStatus.BOT if member.is_bot else ClickStatus.ENDED
                return ClickOutcome(ClickResult(status))
            result = session.judge_click(member, number, choice, now)
            if result.answer is None:
                return ClickOutcome(result)
            answer = result.answer
            try:
                stored = retry_write(lambda: store.insert_answer(self.db, quiz_id, answer))
            except list_state_errors():
                # Counted only once stored: the member is told, and may click again.
                log.exception("quiz %s: the answer of member %s to question %s could not be stored", quiz_id, member.id, number)
                return ClickOutcome(ClickResult(ClickStatus.NOT_SAVED))
            if not stored:
                return ClickOutcome(ClickResult(ClickStatus.ALREADY_ANSWERED))
            session.add_answer(result.answer)
            label = session.question.choices[choice].label
            try:
                steps = tuple(self._advance(session, now))
            except list_state_errors():
                # The answer is stored; the early reveal it brought waits for the driver's next try.
                log.warning("quiz %s: an early reveal could not be stored; the driver will try again", quiz_id)
                steps = ()
            return ClickOutcome(result, steps, label)

    def advance(self, channel_id: str, now: float) -> list[Step]:
        """What the clock brings in a channel by `now` (call it at `next_wakeup`)."""
        with self._lock:
            session = self.find_running(channel_id)
            return self._advance(session, now) if session else []

    def advance_all(self, now: float) -> list[Step]:
        """`advance` for every running quiz (one timer loop for the whole bot)."""
        with self._lock:
            return [step for session in list(self._sessions.values()) for step in self._advance(session, now)]

    def next_wakeup(self, channel_id: str | None = None) -> float | None:
        """When the quiz of a channel (or the soonest of all) needs `advance` next."""
        with self._lock:
            sessions = [self.find_running(channel_id)] if channel_id else list(self._sessions.values())
            moments = [moment for session in sessions if session for moment in [session.next_wakeup()] if moment is not None]
            return min(moments, default=None)

    def stop_quiz(self, channel_id: str, member_id: str, can_manage_messages: bool, now: float) -> StopOutcome:
        """Stop a channel's quiz, if the member started it or may manage messages."""
        with self._lock:
            session = self.find_running(channel_id)
            if session is None:
                return StopOutcome("none")
            result: StopResult = session.stop(member_id, can_manage_messages, now)
            if not result.allowed:
                return StopOutcome("denied", starter_id=session.starter_id)
            self._save(session, list(result.steps), now)
            return StopOutcome("stopped", result.steps, session.starter_id)

    def resume_quizzes(self, now: float) -> list[Step]:
        """After a restart: every quiz that was running goes on (a `QuestionOpened` marked
        `resumed`), or, when the bot was away too long, ends with the standings so far."""
        with self._lock:
            steps: list[Step] = []
            for stored in store.load_running_quizzes(self.db):
                session = stored.session
                if session.channel_id in self._channels or not self.owns_guild(int(session.guild_id)):
                    continue
                if now - stored.last_activity <= self.resume_window:
                    found = session.resume(now)
                else:
                    found = session.close_after_restart(now)
                self._save(session, found, now)
                if session.end_reason is None:
                    self._sessions[session.quiz_id], self._channels[session.channel_id] = session, session.quiz_id
                steps += found
            return steps

    # --- reading

    def find_running(self, channel_id: str) -> QuizSession | None:
        quiz_id = self._channels.get(channel_id)
        return self._sessions.get(quiz_id) if quiz_id is not None else None

    def read_leaderboard(self, guild_id: str, period: Period, now: float, limit: int | None = 10) -> list[LeaderRow]:
        return store.read_leaderboard(self.db, guild_id, period, now, limit)

    def read_member_stats(self, guild_id: str, member_id: str) -> MemberStats | None:
        return store.read_member_stats(self.db, guild_id, member_id)

    # --- inside

    def _advance(self, session: QuizSession, now: float) -> list[Step]:
        """The clock's steps, once they are stored. When the state database refuses them (a full
        disk), the session goes back to where the database has it and the error is raised: the
        same steps come again at the next try, so no reveal is ever lost between memory and disk."""
        before = copy.deepcopy(session)
        steps = session.advance(now)
        if steps:
            try:
                retry_write(lambda: self._save(session, steps, now))
            except list_state_errors():
                self._sessions[session.quiz_id] = before
                raise
        return steps

    def _save(self, session: QuizSession, steps: list[Step], now: float) -> None:
        closed = [(step.number, now) for step in steps if isinstance(step, QuestionRevealed)]
        store.save_progress(self.db, session, closed, now)
        if session.end_reason is not None:
            self._sessions.pop(session.quiz_id, None)
            self._channels.pop(session.channel_id, None)


__all__ = ["ClickOutcome", "Member", "QuizService", "Rules", "StartResult", "StopOutcome", "draw_seed"]
