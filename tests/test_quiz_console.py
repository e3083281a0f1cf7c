"""A whole quiz in the console, start to finish, with two members playing through `--user`;
the leaderboard and stats after it; the console's quiz lines in French; and the message
catalogue holding every quiz sentence in both languages."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from bot.answering.index import SagaIndex, load_index
from bot.quiz.explain import STEM_WORDINGS
from bot.messages import MESSAGES
from bot.quiz import store
from bot.quiz.console import CONSOLE_CHANNEL, ConsoleQuiz, handle_quiz_line, is_quiz_line, open_console_quiz
from bot.quiz.questions import DIFFICULTIES, KIND_CHOICES
from bot.quiz.session import ClickStatus, EndReason
from bot.settings import PROJECT_ROOT
from bot.storage import open_state

START = 1_700_600_000.0


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_state(tmp_path / "state.db", [store.migrations])
    yield database
    database.conn.close()


def open_console(index: SagaIndex, db: sqlite_utils.Database, clock: FakeClock, locale: str = "en") -> ConsoleQuiz:
    return open_console_quiz(index, db, locale, clock=clock, make_seed=lambda: 2023)


def right_number(state: ConsoleQuiz) -> int:
    """The number to type for the open question's right answer (1 to 4)."""
    session = state.service.find_running(CONSOLE_CHANNEL)
    assert session is not None
    return session.question.right + 1


def test_a_whole_quiz_with_two_players_from_start_to_finish(index: SagaIndex, db: sqlite_utils.Database) -> None:
    clock = FakeClock()
    state = open_console(index, db, clock)
    started = handle_quiz_line(state, "/quiz start 5 easy --user alice")
    assert "Quiz started by alice: 5 questions · easy · mixed" in started
    assert "**Question 1/5**" in started and "⏱ 20 s to answer." in started
    for number in range(1, 6):
        right = right_number(state)
        clock.now += 3
        alice = handle_quiz_line(state, f"{right} --user alice")
        assert alice.startswith("[alice] Answer recorded:")
        assert handle_quiz_line(state, f"{right} --user alice").startswith("[alice] You already answered")
        bob = handle_quiz_line(state, f"--user bob {right % 4 + 1}")
        assert bob.startswith("[bob] Answer recorded:")
        if number == 1:
            # The first question waits for its timer (nobody knows yet who plays): skip the wait.
            assert "Answer: **" not in bob
            shown = handle_quiz_line(state, "/quiz next")
        else:
            shown = bob  # everyone who plays has answered: the reveal comes at once
        assert f"**Question {number}/5**" in shown and "Answer: **" in shown and "Why:" in shown
        assert "alice +" in shown and "bob: wrong" in shown
        assert f"streak: {number}" in shown
        if number < 5:
            assert f"**Question {number + 1}/5**" in shown
    assert "Quiz over! Final standings:" in shown
    assert re.search(r"1\. alice — \d+ pts \(5/5 right, best streak: 5\)", shown)
    assert "2. bob — 0 pts (0/5 right, best streak: 0)" in shown
    assert "🏆 Winner: alice" in shown and "Only one player" not in shown
    assert state.service.find_running(CONSOLE_CHANNEL) is None
    board = handle_quiz_line(state, "/quiz leaderboard week")
    assert board.startswith("Server leaderboard — this week:")
    assert re.search(r"1\. alice — \d+ pts · quizzes: 1 · 100% right · best streak: 5 · wins: 1", board)
    assert "2. bob — 0 pts · quizzes: 1 · 0% right · best streak: 0 · wins: 0" in board
    stats = handle_quiz_line(state, "/quiz stats bob")
    assert "**bob** — rank 2 of 2" in stats and "0/5 right (0%)" in stats
    assert handle_quiz_line(state, "3 --user alice") is None  # no quiz runs: a number is a question again


def test_time_passing_reveals_without_a_command(index: SagaIndex, db: sqlite_utils.Database) -> None:
    clock = FakeClock()
    state = open_console(index, db, clock)
    handle_quiz_line(state, "/quiz start 5")
    handle_quiz_line(state, f"{right_number(state)} --user carol")
    clock.now += 21
    reply = handle_quiz_line(state, "/quiz leaderboard")
    assert reply.index("Answer: **") < reply.index("**Question 2/5**") < reply.index("Server leaderboard")
    assert "carol" in reply.split("Server leaderboard")[1]  # the points count before the quiz ends


def test_a_quiz_nobody_answers_ends_after_two_questions(index: SagaIndex, db: sqlite_utils.Database) -> None:
    state = open_console(index, db, FakeClock())
    handle_quiz_line(state, "/quiz start 5 hard who")
    handle_quiz_line(state, "/quiz next")
    ended = handle_quiz_line(state, "/quiz next")
    assert "Nobody answered two questions in a row, so the quiz ends." in ended
    assert "Nobody scored." in ended


@pytest.mark.parametrize(("user", "reply"), [
    ("bob", "Only alice, who started the quiz, or a member who can manage messages can stop it."),
    ("alice", "Quiz stopped by alice. Final standings:"),
    (None, "Quiz stopped by console. Final standings:"),  # the console's own user may manage messages
])
def test_who_may_stop_a_quiz(index: SagaIndex, db: sqlite_utils.Database, user: str | None, reply: str) -> None:
    state = open_console(index, db, FakeClock())
    handle_quiz_line(state, "/quiz start --user alice")
    line = "/quiz stop" + (f" --user {user}" if user else "")
    assert reply in handle_quiz_line(state, line)


def test_one_quiz_at_a_time_and_usage_errors(index: SagaIndex, db: sqlite_utils.Database) -> None:
    state = open_console(index, db, FakeClock())
    assert "A quiz has 5 to 20 questions." in handle_quiz_line(state, "/quiz start 3")
    assert handle_quiz_line(state, "/quiz start banana").startswith("Quiz: /quiz start")
    assert handle_quiz_line(state, "/quiz leaderboard yesterday").startswith("Quiz: /quiz start")
    assert "Nobody has played yet (all time)." in handle_quiz_line(state, "/quiz leaderboard")
    assert "No quiz is running in this channel" in handle_quiz_line(state, "/quiz stop")
    assert "Quiz started" in handle_quiz_line(state, "/quiz start questions: 6 difficulty: hard kind: when")
    assert "A quiz is already running in this channel" in handle_quiz_line(state, "/quiz start")
    assert "Unknown choice: answer with a number from 1 to 4." in handle_quiz_line(state, "7 --user dan")
    assert "Question 1/6** · when? · hard" in handle_quiz_line(state, "/quiz next")


@pytest.mark.parametrize(("line", "running", "expected"), [
    ("/quiz start", False, True),
    ("/QUIZ stats", False, True),
    ("2", True, True),
    ("2 --user alice", True, True),
    ("2", False, False),           # without a quiz, a number is a question for /ask
    ("qui a viré Altman ?", True, False),
    ("/who fired Altman", True, False),
])
def test_which_lines_are_for_the_quiz(index: SagaIndex, db: sqlite_utils.Database, line: str, running: bool, expected: bool) -> None:
    state = open_console(index, db, FakeClock())
    if running:
        handle_quiz_line(state, "/quiz start")
    assert is_quiz_line(state, line) is expected
    assert (handle_quiz_line(state, line) is not None) is expected


def test_the_console_quiz_speaks_french(index: SagaIndex, db: sqlite_utils.Database) -> None:
    state = open_console(index, db, FakeClock(), locale="fr")
    started = handle_quiz_line(state, "/quiz start 5 facile")
    assert started.startswith("Quiz :")  # « facile » is not an option value: the usage, in French
    started = handle_quiz_line(state, "/quiz start 5 easy --user zoé")
    assert "Quiz lancé par zoé : 5 questions · facile · de tout." in started and "⏱ 20 s pour répondre." in started
    answer = handle_quiz_line(state, f"{right_number(state)} --user zoé")
    assert answer.startswith("[zoé] Réponse enregistrée :")
    revealed = handle_quiz_line(state, "/quiz next")
    assert "Réponse : **" in revealed and "Pourquoi :" in revealed and "zoé +" in revealed
    assert "Classement du serveur — depuis toujours :" in handle_quiz_line(state, "/quiz leaderboard")


def test_a_console_quiz_left_running_goes_on_in_the_next_session_or_closes_later(index: SagaIndex, tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    clock = FakeClock()
    first = open_state(path, [store.migrations])
    state = open_console(index, first, clock)
    handle_quiz_line(state, "/quiz start 5 --user alice")
    handle_quiz_line(state, f"{right_number(state)} --user alice")
    first.conn.close()

    clock.now += 30
    second = open_state(path, [store.migrations])
    resumed = open_console(index, second, clock)
    session = resumed.service.find_running(CONSOLE_CHANNEL)
    assert session is not None and session.number == 0 and session.deadline == clock.now + 20
    # The first quiz line shows the open question again: the member must see what runs.
    again = handle_quiz_line(resumed, "1 --user alice")
    assert "**Question 1/5**" in again and session.question.prompt["en"] in again
    assert "You already answered" in again
    assert "**Question 1/5**" not in handle_quiz_line(resumed, "1 --user alice")  # once
    second.conn.close()

    clock.now += 10_000
    third = open_state(path, [store.migrations])
    closed = open_console(index, third, clock)
    assert closed.service.find_running(CONSOLE_CHANNEL) is None
    assert third["quizzes"].get(session.quiz_id)["end_reason"] == EndReason.RESTART.value
    board = handle_quiz_line(closed, "/quiz leaderboard")
    assert "1. alice — 1000 pts" in board  # her answer at once, scored before both restarts
    assert "the quiz is closed with the points so far" in board  # and the quiz closed by the long absence says so
    third.conn.close()


# --- the message catalogue

QUIZ_SOURCES = sorted((PROJECT_ROOT / "bot" / "quiz").rglob("*.py"))
_QUIZ_KEY = re.compile(r'"(quiz\.[a-z_.]+)"')


def used_quiz_keys() -> set[str]:
    keys = {key for path in QUIZ_SOURCES for key in _QUIZ_KEY.findall(path.read_text(encoding="utf-8"))}
    # Keys built from a value: the kinds, difficulties, periods, click statuses, end reasons, order directions.
    keys |= {f"quiz.kind.{kind}" for kind in KIND_CHOICES} | {f"quiz.difficulty.{level}" for level in DIFFICULTIES}
    keys |= {f"quiz.period.{period}" for period in store.PERIODS}
    keys |= {f"quiz.click.{status.value}" for status in ClickStatus if status is not ClickStatus.BOT}
    keys |= {f"quiz.end.{reason.value}" for reason in EndReason}
    # Stems come in STEM_WORDINGS wordings: quiz.ask.who.1, .2, …
    stems = {key for key in keys if key.startswith("quiz.ask.") and key != "quiz.ask.role" and key != "quiz.ask.role_among"}
    stems |= {"quiz.ask.order_first", "quiz.ask.order_last", "quiz.ask.order_sequence"}
    keys -= stems
    keys |= {f"{stem}.{wording}" for stem in stems for wording in range(1, STEM_WORDINGS + 1)}
    return keys


def test_every_quiz_sentence_is_in_the_catalogue_in_both_languages() -> None:
    keys = used_quiz_keys()
    assert len(keys) > 50
    missing = sorted(key for key in keys if key not in MESSAGES)
    assert missing == []
    for key in keys:
        assert MESSAGES[key]["fr"] and MESSAGES[key]["en"], key


def test_the_quiz_code_holds_no_sentence_of_its_own() -> None:
    # Words for members come from bot.messages: no say() is bypassed with an f-string sentence.
    for path in QUIZ_SOURCES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'return f"[A-Z][a-z]+ [a-z]+ ', text), path
