"""Quizzes in the state database: a restart in the middle of a quiz (the database closed and
opened again, a new service) resumes it or closes it with every point kept; leaderboards by
period; wins only with two players or more; member stats; recent questions avoided."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite3

import psycopg
import pytest

from bot.answering.index import SagaIndex, load_index
from bot.quiz import store
from bot.quiz.service import QuizService
from bot.quiz.session import (Answer, ClickStatus, EndReason, Member, QuestionOpened, QuestionRevealed, QuizEnded,
                              Rules, score_answer)
from bot.storage import StateDatabase, close_state, fetch_dicts, open_state

# No early reveal: every question here lasts its 20 seconds, which keeps the arithmetic plain.
RULES = Rules(question_seconds=20.0, reveal_seconds=5.0, early_reveal=False)
FAST, FASTER = score_answer(2, RULES), score_answer(1, RULES)  # 950 and 975 points
# Discord ids, as the state schema requires.
GUILD, OTHER_GUILD, CHANNEL = "100", "101", "200"
# Wednesday 15 May 2024, noon UTC: its week began Monday 13, its month on the 1st.
NOW = datetime(2024, 5, 15, 12, tzinfo=UTC).timestamp()
DAY = 86_400.0
ALICE, BOB, CAROL = Member("100", "Alice"), Member("200", "Bob"), Member("300", "Carol")


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "bot.db"


@pytest.fixture
def db(state_location: str | Path) -> Iterator[StateDatabase]:
    """A state database in each dialect (SQLite, then PostgreSQL)."""
    database = open_state(state_location, [store.migrations])
    yield database
    close_state(database)


def read_rows(db: StateDatabase, sql: str, parameters: list[Any] | None = None) -> list[dict[str, Any]]:
    return fetch_dicts(db.execute(sql, parameters or []))


def make_service(index: SagaIndex, db: StateDatabase, resume_window: float = 600.0) -> QuizService:
    return QuizService(index, db, RULES, resume_window=resume_window, make_seed=lambda: 42)


def play_question(service: QuizService, quiz_id: int, number: int, now: float, picks: dict[Member, bool]) -> list:
    """Members answer (right or wrong) two seconds in; the timer then reveals and opens the next."""
    session = next(s for s in service._sessions.values() if s.quiz_id == quiz_id)
    question = session.questions[number]
    for member, right in picks.items():
        choice = question.right if right else (question.right + 1) % 4
        assert service.record_click(quiz_id, number, member, choice, now + 2).result.status is ClickStatus.ACCEPTED
    return service.advance(session.channel_id, now + 20) + service.advance(session.channel_id, now + 25)


RIGHT = FAST  # what a right answer two seconds in earns


def play_quiz(service: QuizService, guild: str, channel: str, start: float, rounds: list[dict[Member, bool]],
              starter: Member = ALICE) -> QuizEnded:
    """A whole quiz of len(rounds) questions; returns its end."""
    started = service.start_quiz(guild, channel, starter, "en", start, count=max(5, len(rounds)))
    assert started.status == "started" and started.quiz_id is not None
    now, steps = start, []
    for number, picks in enumerate(rounds):
        steps += play_question(service, started.quiz_id, number, now, picks)
        now += 25
    if not any(isinstance(step, QuizEnded) for step in steps):
        steps += service.stop_quiz(channel, starter.id, False, now).steps
    return next(step for step in steps if isinstance(step, QuizEnded))


# --- restarts

def test_a_restart_mid_quiz_resumes_it_with_every_point_kept(index: SagaIndex, state_location: str | Path) -> None:
    first_db = open_state(state_location, [store.migrations])
    service = make_service(index, first_db)
    started = service.start_quiz(GUILD, CHANNEL, ALICE, "fr", NOW, count=5)
    quiz_id = started.quiz_id
    play_question(service, quiz_id, 0, NOW, {ALICE: True, BOB: False})
    service.record_click(quiz_id, 1, BOB, service.find_running(CHANNEL).questions[1].right, NOW + 27)  # open question
    before = {m: (p.points, p.streak) for m, p in service.find_running(CHANNEL).players.items()}
    close_state(first_db)  # the bot stops here

    again_db = open_state(state_location, [store.migrations])
    revived = make_service(index, again_db)
    (opened,) = revived.resume_quizzes(NOW + 60)
    assert isinstance(opened, QuestionOpened) and opened.resumed and opened.number == 1 and opened.quiz_id == quiz_id
    session = revived.find_running(CHANNEL)
    assert session.locale == "fr" and [q.key for q in session.questions] == [q.key for q in started_questions(again_db, quiz_id)]
    assert {m: (p.points, p.streak) for m, p in session.players.items()} == before
    # Bob's answer to the open question was kept: he cannot answer it again.
    assert revived.record_click(quiz_id, 1, BOB, 0, NOW + 61).result.status is ClickStatus.ALREADY_ANSWERED
    assert revived.record_click(quiz_id, 1, ALICE, session.questions[1].right, NOW + 61).result.status is ClickStatus.ACCEPTED
    steps = revived.advance(CHANNEL, NOW + 80)
    revealed = next(step for step in steps if isinstance(step, QuestionRevealed))
    assert {r.name for r in revealed.results if r.correct} == {"Alice", "Bob"}
    board = revived.read_leaderboard(GUILD, "all", NOW + 80)
    assert {row.name: row.points for row in board} == {"Alice": FAST + FASTER, "Bob": FAST}
    close_state(again_db)


def started_questions(db: StateDatabase, quiz_id: int) -> list:
    from bot.quiz.questions import Question

    return [Question.from_json(row["body"]) for row in
            read_rows(db, "select body from quiz_questions where quiz_id = ? order by number", [quiz_id])]


def test_a_restart_long_after_closes_the_quiz_with_the_standings_so_far(index: SagaIndex, state_location: str | Path) -> None:
    first_db = open_state(state_location, [store.migrations])
    service = make_service(index, first_db)
    quiz_id = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW, count=5).quiz_id
    play_question(service, quiz_id, 0, NOW, {ALICE: True, BOB: True})
    service.record_click(quiz_id, 1, BOB, service.find_running(CHANNEL).questions[1].right, NOW + 26)
    close_state(first_db)

    again_db = open_state(state_location, [store.migrations])
    revived = make_service(index, again_db, resume_window=600)
    steps = revived.resume_quizzes(NOW + 3600)
    assert [type(step) for step in steps] == [QuestionRevealed, QuizEnded]
    ended = steps[-1]
    assert ended.reason is EndReason.RESTART
    assert [(s.name, s.points) for s in ended.standings] == [("Bob", FAST + FASTER), ("Alice", FAST)]
    assert revived.find_running(CHANNEL) is None
    assert revived.record_click(quiz_id, 1, ALICE, 0, NOW + 3601).result.status is ClickStatus.ENDED
    (row,) = read_rows(again_db, "select * from quizzes where id = ?", [quiz_id])
    assert (row["status"], row["end_reason"]) == ("ended", "restart")
    assert make_service(index, again_db).resume_quizzes(NOW + 3700) == []  # nothing left running
    close_state(again_db)


def test_a_restart_during_a_reveal_opens_the_next_question(index: SagaIndex, state_location: str | Path) -> None:
    first_db = open_state(state_location, [store.migrations])
    service = make_service(index, first_db)
    quiz_id = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW, count=5).quiz_id
    service.record_click(quiz_id, 0, ALICE, 0, NOW + 1)
    service.advance(CHANNEL, NOW + 20)  # revealed; the bot stops during the pause
    close_state(first_db)
    again_db = open_state(state_location, [store.migrations])
    (opened,) = make_service(index, again_db).resume_quizzes(NOW + 30)
    assert opened.number == 1 and opened.resumed
    close_state(again_db)


def test_the_same_answer_cannot_be_stored_twice(db: StateDatabase, index: SagaIndex) -> None:
    quiz_id = make_service(index, db).start_quiz(GUILD, CHANNEL, ALICE, "en", NOW).quiz_id
    answer = Answer(0, BOB.id, "Bob", 1, False, 0, NOW + 1, 1.0)
    assert store.insert_answer(db, quiz_id, answer)
    assert not store.insert_answer(db, quiz_id, answer)
    assert db.execute("select count(*) from quiz_answers").fetchone()[0] == 1


def test_the_quiz_migrations_are_recorded_once(state_location: str | Path) -> None:
    for _ in range(2):
        database = open_state(state_location, [store.migrations])
        close_state(database)
    database = open_state(state_location, [store.migrations])
    applied = store.migrations.list_applied(database)
    assert applied == ["create_quiz_tables", "forbid_places_discord_cannot_own", "allow_one_running_quiz_per_channel"]
    assert database.execute("select count(*) from quizzes").fetchone()[0] == 0
    close_state(database)


# --- one quiz per channel, avoided repeats

def test_two_processes_sharing_the_database_cannot_both_start_a_quiz_in_a_channel(state_location: str | Path,
                                                                                  index: SagaIndex) -> None:
    first_db, second_db = open_state(state_location, [store.migrations]), open_state(state_location, [store.migrations])
    first, second = make_service(index, first_db), make_service(index, second_db)
    assert first.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW).status == "started"
    # The second process has no session in memory for that channel: the database refuses.
    assert second.start_quiz(GUILD, CHANNEL, BOB, "en", NOW + 1).status == "busy"
    assert second.start_quiz(GUILD, "201", BOB, "en", NOW + 1).status == "started"
    first.stop_quiz(CHANNEL, ALICE.id, False, NOW + 2)
    assert second.start_quiz(GUILD, CHANNEL, BOB, "en", NOW + 3).status == "started"
    assert [row["status"] for row in read_rows(first_db, "select status from quizzes where channel_id = ? order by id",
                                               [CHANNEL])] == ["ended", "running"]
    close_state(first_db)
    close_state(second_db)


def test_one_quiz_per_channel_but_several_channels_at_once(db: StateDatabase, index: SagaIndex) -> None:
    service = make_service(index, db)
    assert service.start_quiz(GUILD, "201", ALICE, "en", NOW).status == "started"
    assert service.start_quiz(GUILD, "201", BOB, "en", NOW).status == "busy"
    assert service.start_quiz(GUILD, "202", BOB, "en", NOW).status == "started"
    assert service.start_quiz(OTHER_GUILD, "203", BOB, "en", NOW).status == "started"
    assert service.start_quiz(GUILD, "204", BOB, "en", NOW, count=4).status == "bad_count"
    assert service.start_quiz(GUILD, "204", BOB, "en", NOW, count=21).status == "bad_count"


def test_a_servers_recent_questions_are_not_asked_again(db: StateDatabase, index: SagaIndex) -> None:
    service = make_service(index, db)
    first = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW, count=10)
    service.stop_quiz(CHANNEL, ALICE.id, False, NOW + 1)
    second = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW + 2, count=10)  # the same seed (42)
    keys = {row["key"] for row in read_rows(db, "select key from quiz_questions where quiz_id = ?", [first.quiz_id])}
    again = {row["key"] for row in read_rows(db, "select key from quiz_questions where quiz_id = ?", [second.quiz_id])}
    assert len(keys) == len(again) == 10 and not keys & again
    assert store.read_recent_keys(db, "other-guild") == set()


# --- leaderboards

def test_wins_count_only_in_quizzes_with_two_players(db: StateDatabase, index: SagaIndex) -> None:
    service = make_service(index, db)
    solo = play_quiz(service, GUILD, CHANNEL, NOW, [{ALICE: True}] * 5)
    assert solo.winners == (ALICE.id,) and not solo.counts_for_wins
    duel = play_quiz(service, GUILD, CHANNEL, NOW + 1000, [{BOB: True, ALICE: False}] * 5)
    assert duel.winners == (BOB.id,) and duel.counts_for_wins
    rows = {row.name: row for row in service.read_leaderboard(GUILD, "all", NOW + 2000)}
    assert (rows["Alice"].wins, rows["Bob"].wins) == (0, 1)
    assert (rows["Alice"].quizzes, rows["Bob"].quizzes) == (2, 1)
    assert rows["Alice"].points == 5 * RIGHT and rows["Alice"].accuracy == 0.5


def test_a_tie_at_the_top_is_a_win_for_each(db: StateDatabase, index: SagaIndex) -> None:
    service = make_service(index, db)
    ended = play_quiz(service, GUILD, CHANNEL, NOW, [{ALICE: True, BOB: True, CAROL: False}] * 5)
    assert set(ended.winners) == {ALICE.id, BOB.id}
    rows = {row.name: row for row in service.read_leaderboard(GUILD, "all", NOW + 500)}
    assert (rows["Alice"].wins, rows["Bob"].wins, rows["Carol"].wins) == (1, 1, 0)
    assert rows["Alice"].rank == rows["Bob"].rank == 1 and rows["Carol"].rank == 3


@pytest.mark.parametrize(("period", "expected"), [
    ("all", {"Alice": 15 * RIGHT, "Bob": 5 * RIGHT}),
    ("month", {"Alice": 10 * RIGHT, "Bob": 5 * RIGHT}),   # the quiz of last month is left out
    ("week", {"Alice": 5 * RIGHT}),                       # so are those before Monday
])
def test_the_leaderboard_covers_its_period(db: StateDatabase, index: SagaIndex, period: str, expected: dict) -> None:
    service = make_service(index, db)
    play_quiz(service, GUILD, CHANNEL, NOW - 30 * DAY, [{ALICE: True}] * 5)   # April
    play_quiz(service, GUILD, CHANNEL, NOW - 5 * DAY, [{ALICE: True, BOB: True}] * 5)  # Friday 10 May
    play_quiz(service, GUILD, CHANNEL, NOW - DAY, [{ALICE: True}] * 5)          # Tuesday 14 May
    play_quiz(service, OTHER_GUILD, "300", NOW, [{CAROL: True}] * 5)             # another server
    assert {row.name: row.points for row in service.read_leaderboard(GUILD, period, NOW)} == expected


@pytest.mark.parametrize(("period", "start"), [
    ("all", None),
    ("month", datetime(2024, 5, 1, tzinfo=UTC).timestamp()),
    ("week", datetime(2024, 5, 13, tzinfo=UTC).timestamp()),
])
def test_periods_start_on_the_first_of_the_month_and_on_monday(period: str, start: float | None) -> None:
    assert store.find_period_start(period, NOW) == start


def test_the_best_streak_is_the_longest_run_of_right_answers(db: StateDatabase, index: SagaIndex) -> None:
    service = make_service(index, db)
    rounds = [{ALICE: True, BOB: True}, {ALICE: True, BOB: False}, {ALICE: True}, {ALICE: False, BOB: True},
              {ALICE: True, BOB: True}]
    ended = play_quiz(service, GUILD, CHANNEL, NOW, rounds)
    rows = {row.name: row for row in service.read_leaderboard(GUILD, "all", NOW + 500)}
    assert (rows["Alice"].best_streak, rows["Bob"].best_streak) == (3, 2)
    assert {s.name: s.best_streak for s in ended.standings} == {"Alice": 3, "Bob": 2}
    assert {s.name: s.points for s in ended.standings} == {row.name: row.points for row in rows.values()}


def test_member_stats_add_up_the_members_answers(db: StateDatabase, index: SagaIndex) -> None:
    service = make_service(index, db)
    play_quiz(service, GUILD, CHANNEL, NOW, [{ALICE: True, BOB: False}, {ALICE: False, BOB: True}] + [{ALICE: True}] * 3)
    stats = service.read_member_stats(GUILD, ALICE.id)
    assert stats is not None and stats.players == 2
    assert (stats.row.answered, stats.row.right, stats.row.points) == (5, 4, 4 * RIGHT)
    assert sum(answered for answered, _ in stats.by_kind.values()) == 5
    assert sum(right for _, right in stats.by_kind.values()) == 4
    assert stats.average_seconds == pytest.approx(2.0)
    assert service.read_member_stats(GUILD, "nobody") is None
    assert service.read_member_stats("other", ALICE.id) is None


@pytest.mark.parametrize(("guild", "channel"), [
    ("console", CHANNEL), (GUILD, "console"), ("0", CHANNEL), (GUILD, "-5"), ("0100", CHANNEL), (GUILD, "1.0"),
    (GUILD, " 200"), ("99999999999999999999", CHANNEL), (GUILD, ""),
])
def test_the_schema_takes_no_quiz_outside_a_discord_channel(index: SagaIndex, db: StateDatabase, guild: str,
                                                            channel: str) -> None:
    service = make_service(index, db)
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.IntegrityError), match=r"must be Discord ids|discord_place"):
        service.start_quiz(guild, channel, ALICE, "en", NOW)
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.IntegrityError), match=r"must be Discord ids|discord_place"):
        quiz_id = make_service(index, db).start_quiz(GUILD, CHANNEL, ALICE, "en", NOW).quiz_id
        db.execute("update quizzes set guild_id = ?, channel_id = ? where id = ?", [guild, channel, quiz_id])
    assert [row["channel_id"] for row in read_rows(db, "select * from quizzes order by id")] == [CHANNEL]


def test_quizzes_the_console_stored_before_it_had_its_own_database_move_to_its_place(index: SagaIndex, state_path: Path) -> None:
    old = open_state(state_path, [])
    store.migrations.sqlite.apply(old, stop_before="forbid_places_discord_cannot_own")
    # Rows as the store of the time wrote them (today's store needs today's schema).
    for starter, guild, channel, started in ((ALICE.id, "console", "console", NOW - DAY), (BOB.id, GUILD, CHANNEL, NOW)):
        old.table("quizzes").insert({"guild_id": guild, "channel_id": channel, "starter_id": starter, "status": "running",
                                     "number": 0, "phase": "open", "started_at": started})
    discord_quiz = old.execute("select max(id) from quizzes").fetchone()[0]
    close_state(old)
    migrated = open_state(state_path, [store.migrations])
    rows = {row["starter_id"]: row for row in read_rows(migrated, "select * from quizzes")}
    assert (rows[ALICE.id]["guild_id"], rows[ALICE.id]["channel_id"], rows[ALICE.id]["status"]) == ("1", "1", "ended")
    assert (rows[BOB.id]["id"], rows[BOB.id]["channel_id"], rows[BOB.id]["status"]) == (discord_quiz, CHANNEL, "running")


class FailingWrites:
    """A hand-written fault: the first `failures` calls raise as a full disk does, later ones go through."""

    def __init__(self, function: Callable[..., Any], failures: int) -> None:
        self.function, self.left = function, failures

    def __call__(self, *args: Any) -> Any:
        if self.left:
            self.left -= 1
            raise sqlite3.OperationalError("database or disk is full")
        return self.function(*args)


def test_an_answer_whose_write_fails_for_a_moment_is_retried_and_counts(index: SagaIndex, db: StateDatabase,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    service = make_service(index, db)
    quiz_id = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW, count=5).quiz_id
    monkeypatch.setattr(store, "insert_answer", FailingWrites(store.insert_answer, failures=2))
    right = service.find_running(CHANNEL).questions[0].right
    outcome = service.record_click(quiz_id, 0, BOB, right, NOW + 2)
    assert outcome.result.status is ClickStatus.ACCEPTED
    assert [row["member_id"] for row in read_rows(db, "select * from quiz_answers")] == [BOB.id]


def test_an_answer_that_cannot_be_stored_is_reported_and_not_counted(index: SagaIndex, db: StateDatabase,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    service = make_service(index, db)
    quiz_id = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW, count=5).quiz_id
    fault = FailingWrites(store.insert_answer, failures=100)
    monkeypatch.setattr(store, "insert_answer", fault)
    right = service.find_running(CHANNEL).questions[0].right
    assert service.record_click(quiz_id, 0, BOB, right, NOW + 2).result.status is ClickStatus.NOT_SAVED
    assert "could not be stored" in caplog.text
    assert list(read_rows(db, "select * from quiz_answers")) == [] and BOB.id not in service.find_running(CHANNEL).players
    # The disk has room again: the member's next click counts, once.
    fault.left = 0
    assert service.record_click(quiz_id, 0, BOB, right, NOW + 3).result.status is ClickStatus.ACCEPTED
    assert service.record_click(quiz_id, 0, BOB, right, NOW + 4).result.status is ClickStatus.ALREADY_ANSWERED
    assert [row["member_id"] for row in read_rows(db, "select * from quiz_answers")] == [BOB.id]


def test_a_reveal_the_disk_refuses_comes_again_once_it_can_be_stored(index: SagaIndex, db: StateDatabase,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    service = make_service(index, db)
    quiz_id = service.start_quiz(GUILD, CHANNEL, ALICE, "en", NOW, count=5).quiz_id
    right = service.find_running(CHANNEL).questions[0].right
    assert service.record_click(quiz_id, 0, BOB, right, NOW + 2).result.status is ClickStatus.ACCEPTED
    fault = FailingWrites(store.save_progress, failures=100)
    monkeypatch.setattr(store, "save_progress", fault)
    with pytest.raises(sqlite3.OperationalError):
        service.advance(CHANNEL, NOW + 21)  # the deadline passed, but the reveal cannot be stored
    assert service.find_running(CHANNEL).phase.value == "open"  # memory did not run ahead of the disk
    fault.left = 0
    steps = service.advance(CHANNEL, NOW + 22)
    assert [type(step) for step in steps] == [QuestionRevealed]  # the same reveal, not lost
    assert read_rows(db, "select phase from quizzes where id = ?", [quiz_id])[0]["phase"] == "revealed"
    assert service.find_running(CHANNEL).players[BOB.id].points > 0


def test_a_process_resumes_only_the_quizzes_of_its_own_shards(index: SagaIndex, state_location: str | Path) -> None:
    from bot.sharding import ShardPlan

    first = open_state(state_location, [store.migrations])
    service = make_service(index, first)
    ours, theirs = str(4 << 22), str(5 << 22)  # shards 0 and 1 of 2
    service.start_quiz(ours, "300", ALICE, "en", NOW)
    service.start_quiz(theirs, "301", BOB, "en", NOW)
    close_state(first)
    again = open_state(state_location, [store.migrations])
    shard_zero = QuizService(index, again, RULES, make_seed=lambda: 42, owns_guild=ShardPlan(2, (0,)).owns_guild)
    shard_zero.resume_quizzes(NOW + 5)
    assert shard_zero.find_running("300") is not None and shard_zero.find_running("301") is None
    assert {row["status"] for row in read_rows(again, "select * from quizzes")} == {"running"}  # the other one is left to its process
