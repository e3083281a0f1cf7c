"""Quizzes in the console: the same commands as on Discord, answers typed as a choice number,
and `--user NAME` to play as several members from one keyboard.

    /quiz start [questions 5–20] [easy|medium|hard] [who|when|quote|role|figures|order|mixed]
    2 --user alice           (alice answers choice 2)
    /quiz next               (no need to wait: the clock jumps to the reveal and the next question)
    /quiz stop | /quiz leaderboard [all|month|week] | /quiz stats [member]

The console's clock is real time plus what `/quiz next` skipped; tests pass a fake clock.
The console's own user may manage messages (it is the server's owner, in a way); a `--user`
member may not, so only the quiz's starter can stop it as them.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field


from ..storage import StateDatabase
from ..answering.index import SagaIndex
from ..answering.normalize import Locale
from ..commands import DEFAULT_DIFFICULTY, DEFAULT_KIND, QUIZ, find_action, list_option_names
from ..messages import say
from .generator import DEFAULT_QUESTIONS
from .questions import DIFFICULTIES, KIND_CHOICES, Difficulty, KindChoice
from .service import QuizService, draw_seed
from .session import Member, QuestionOpened, QuizEnded, Rules, Step
from .store import PERIODS, Period
from .texts import phrase_click, phrase_end, phrase_leaderboard, phrase_start, phrase_stats, phrase_step, phrase_stop_denied

# The console plays in one place, with ids a Discord row could have (the state schema takes no other).
CONSOLE_GUILD = CONSOLE_CHANNEL = "1"
CONSOLE_USER = "console"
# In a shell nobody waits for a reveal to sink in: the next question follows it at once.
CONSOLE_RULES = Rules(reveal_seconds=0.0)
_USER_OPTION = re.compile(r"(?:^|\s)--user(?:=|\s+)(\"[^\"]+\"|'[^']+'|\S+)")
_DIFFICULTY_WORDS: dict[str, Difficulty] = {word: word for word in DIFFICULTIES}
_KIND_WORDS: dict[str, KindChoice] = {word: word for word in KIND_CHOICES}
_PERIOD_WORDS: dict[str, Period] = {word: word for word in PERIODS}
# The option names as bot.commands declares them: `/quiz start questions: 5` reads as `/quiz start 5`.
_OPTION_NAMES = re.compile(rf"\b(?:{'|'.join(list_option_names(QUIZ))}):\s*", re.IGNORECASE)


@dataclass
class ConsoleQuiz:
    """The console's quiz state: the service, its language, and its clock."""

    service: QuizService
    locale: Locale = "en"
    clock: Callable[[], float] = time.time
    skipped: float = 0.0  # seconds `/quiz next` jumped ahead
    names: dict[str, str] = field(default_factory=dict)
    # what a quiz left running by an earlier session brought at start (its open question, asked
    # again; or its end): shown with the first quiz line, or the member would not know it runs
    pending: list[Step] = field(default_factory=list)

    def now(self) -> float:
        return self.clock() + self.skipped


def open_console_quiz(index: SagaIndex, db: StateDatabase, locale: Locale = "en", clock: Callable[[], float] = time.time,
                      rules: Rules = CONSOLE_RULES, make_seed: Callable[[], int] = draw_seed) -> ConsoleQuiz:
    """A console quiz over the state database `db` (see bot.storage.open_state and store.migrations);
    a quiz left running by an earlier console session goes on, or is closed."""
    state = ConsoleQuiz(QuizService(index, db, rules, make_seed=make_seed), locale, clock)
    state.pending = state.service.resume_quizzes(state.now())
    return state


def is_quiz_line(state: ConsoleQuiz, line: str) -> bool:
    """A /quiz command, or a choice number while a quiz runs (otherwise a number is a question)."""
    words = _USER_OPTION.sub(" ", line).split()
    if words and words[0].lower().rstrip(":") == "/quiz":
        return True
    return len(words) == 1 and words[0].isdecimal() and words[0].isascii() and state.service.find_running(CONSOLE_CHANNEL) is not None


def handle_quiz_line(state: ConsoleQuiz, line: str, user: str | None = None) -> str | None:
    """The console's reply to a quiz line, with whatever the clock brought since the last line
    (a reveal, the next question); None when the line is not for the quiz."""
    if not is_quiz_line(state, line):
        return None
    found = _USER_OPTION.search(line)
    name = found.group(1).strip("\"'") if found else (user or CONSOLE_USER)
    member = Member(name.casefold(), name)
    words = _OPTION_NAMES.sub("", _USER_OPTION.sub(" ", line)).split()
    now = state.now()
    pending, state.pending = state.pending, []
    replies = [phrase_step(step, state.locale) for step in [*pending, *state.service.advance(CONSOLE_CHANNEL, now)]]
    if words[0].lower().rstrip(":") != "/quiz":
        replies.append(_answer(state, member, int(words[0]), now))
    else:
        typed, rest = (words[1] if len(words) > 1 else "help"), words[2:]
        action = find_action(QUIZ, typed) or typed.lower()
        handler = _ACTIONS.get(action, _explain_usage)
        replies.append(handler(state, member, rest, now))
    return "\n\n".join(reply for reply in replies if reply)


def _start(state: ConsoleQuiz, member: Member, words: list[str], now: float) -> str:
    count: int = DEFAULT_QUESTIONS
    difficulty: Difficulty = DEFAULT_DIFFICULTY
    kind: KindChoice = DEFAULT_KIND
    for word in (word.lower() for word in words):
        if word.isdecimal() and word.isascii():
            count = int(word)
        elif word in _DIFFICULTY_WORDS:
            difficulty = _DIFFICULTY_WORDS[word]
        elif word in _KIND_WORDS:
            kind = _KIND_WORDS[word]
        else:
            return say("quiz.console.usage", state.locale)
    result = state.service.start_quiz(CONSOLE_GUILD, CONSOLE_CHANNEL, member, state.locale, now, count, difficulty, kind)
    state.names[member.id] = member.name
    lines = [phrase_start(result, state.locale, member.name, difficulty, kind)]
    if result.opened is not None:
        lines += [say("quiz.console.how", state.locale), phrase_step(result.opened, state.locale)]
    return "\n\n".join(lines)


def _answer(state: ConsoleQuiz, member: Member, number: int, now: float) -> str:
    session = state.service.find_running(CONSOLE_CHANNEL)
    if session is None:
        return say("quiz.none", state.locale)
    state.names[member.id] = member.name
    outcome = state.service.record_click(session.quiz_id, session.number, member, number - 1, now)
    reply = phrase_click(outcome.result.status, state.locale, outcome.choice_label, len(session.question.choices)) or ""
    lines = [say("quiz.console.member", state.locale, name=member.name, reply=reply)]
    lines += [phrase_step(step, state.locale) for step in outcome.steps]
    return "\n\n".join(lines)


def _skip(state: ConsoleQuiz, member: Member, words: list[str], now: float) -> str:
    """Jump the clock to the next reveal, and on to the next question (or the end)."""
    steps: list[Step] = []
    for _ in range(2):
        wakeup = state.service.next_wakeup(CONSOLE_CHANNEL)
        if wakeup is None:
            break
        state.skipped += max(wakeup - state.now(), 0.0)
        steps += state.service.advance(CONSOLE_CHANNEL, state.now())
        if any(isinstance(step, (QuestionOpened, QuizEnded)) for step in steps):
            break
    if not steps:
        return say("quiz.none", state.locale)
    return "\n\n".join(_name_stopper(state, step) for step in steps)


def _stop(state: ConsoleQuiz, member: Member, words: list[str], now: float) -> str:
    outcome = state.service.stop_quiz(CONSOLE_CHANNEL, member.id, member.id == CONSOLE_USER, now)
    if outcome.status == "none":
        return say("quiz.none", state.locale)
    if outcome.status == "denied":
        return phrase_stop_denied(state.locale, state.names.get(outcome.starter_id or "", outcome.starter_id or "?"))
    return "\n\n".join(_name_stopper(state, step) for step in outcome.steps)


def _show_leaderboard(state: ConsoleQuiz, member: Member, words: list[str], now: float) -> str:
    chosen = _PERIOD_WORDS.get(words[0].lower() if words else "all")
    if chosen is None or len(words) > 1:
        return say("quiz.console.usage", state.locale)
    return phrase_leaderboard(state.service.read_leaderboard(CONSOLE_GUILD, chosen, now), chosen, state.locale)


def _show_stats(state: ConsoleQuiz, member: Member, words: list[str], now: float) -> str:
    name = " ".join(words) if words else member.name
    return phrase_stats(state.service.read_member_stats(CONSOLE_GUILD, name.casefold()), name, state.locale)


def _explain_usage(state: ConsoleQuiz, member: Member, words: list[str], now: float) -> str:
    return say("quiz.console.usage", state.locale)


def _name_stopper(state: ConsoleQuiz, step: Step) -> str:
    if isinstance(step, QuizEnded) and step.stopped_by:
        return phrase_end(step, state.locale, state.names.get(step.stopped_by, step.stopped_by))
    return phrase_step(step, state.locale)


_ACTIONS: dict[str, Callable[[ConsoleQuiz, Member, list[str], float], str]] = {
    "start": _start, "next": _skip, "stop": _stop, "leaderboard": _show_leaderboard, "stats": _show_stats,
    "help": _explain_usage,
}
