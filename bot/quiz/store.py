"""Quizzes in the bot's state database (bot.storage.open_state): every quiz, its questions as
they were worded, and every answer the moment it is accepted — so a restart can resume a
running quiz or close it with the standings so far, and no point is ever lost.

The leaderboard and member stats are computed from the answers themselves, the only record
of points: nothing is kept twice, so nothing can disagree.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

from ..answering.normalize import Locale
from ..storage import StateDatabase, fetch_dicts, write_lock
from . import schema
from .questions import Difficulty, KindChoice, Question
from .session import Answer, Phase, QuizSession, Rules

Period = Literal["all", "month", "week"]
PERIODS: tuple[Period, ...] = ("all", "month", "week")
# How many of a server's last quizzes count as "recent" when avoiding repeated questions.
RECENT_QUIZZES = 5
# The state database's schema for quizzes (bot.quiz.schema), applied by bot.storage.open_state.
migrations = schema.migrations
@dataclass(frozen=True)
class StoredQuiz:
    """A quiz as the store has it: enough to rebuild its session after a restart."""

    session: QuizSession
    kind: str
    difficulty: str
    seed: int
    last_activity: float


@dataclass(frozen=True)
class LeaderRow:
    rank: int
    member_id: str
    name: str
    points: int
    quizzes: int
    answered: int
    right: int
    best_streak: int
    wins: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class MemberStats:
    row: LeaderRow
    players: int                        # members on the server's all-time leaderboard
    by_kind: dict[str, tuple[int, int]]  # kind → (answered, right)
    average_seconds: float | None       # time to a right answer


def insert_quiz(db: StateDatabase, guild_id: str, channel_id: str, starter_id: str, locale: str, kind: KindChoice,
                difficulty: Difficulty, seed: int, rules: Rules, questions: list[Question], now: float) -> int | None:
    """Store a new quiz and its questions; its id, or None when a quiz runs in that channel
    already (the database keeps one per channel, whichever process asks)."""
    row = {"guild_id": guild_id, "channel_id": channel_id, "starter_id": starter_id, "locale": locale, "kind": kind,
           "difficulty": difficulty, "seed": seed, "rules": json.dumps(asdict(rules)), "status": "running",
           "number": 0, "phase": Phase.OPEN.value, "opened_at": now, "started_at": now}
    with write_lock(), db.atomic():
        inserted = db.execute(
            f"insert into quizzes ({', '.join(row)}) values ({', '.join('?' for _ in row)}) "
            "on conflict (channel_id) where status = 'running' do nothing returning id", list(row.values())).fetchone()
        if inserted is None:
            return None
        quiz_id = int(inserted[0])
        for number, question in enumerate(questions):
            db.execute("insert into quiz_questions (quiz_id, number, key, kind, difficulty, body) values (?, ?, ?, ?, ?, ?)",
                       [quiz_id, number, question.key, question.kind, question.difficulty, question.to_json()])
    return quiz_id


def insert_answer(db: StateDatabase, quiz_id: int, answer: Answer) -> bool:
    """Store an accepted answer; False if that member's answer to that question is already stored."""
    row = {"quiz_id": quiz_id, **asdict(answer), "correct": int(answer.correct)}
    with write_lock(), db.atomic():
        inserted = db.execute(
            f"insert into quiz_answers ({', '.join(row)}) values ({', '.join('?' for _ in row)}) "
            "on conflict (quiz_id, number, member_id) do nothing returning 1", list(row.values())).fetchone()
    return inserted is not None


def save_progress(db: StateDatabase, session: QuizSession, closed: list[tuple[int, float]], now: float) -> None:
    """Store where the quiz is (question, phase, timer), the questions it just closed, its end."""
    with write_lock(), db.atomic():
        for number, closed_at in closed:
            db.execute("update quiz_questions set closed_at = ? where quiz_id = ? and number = ?",
                       [closed_at, session.quiz_id, number])
        row: dict[str, object] = {"number": session.number, "phase": session.phase.value, "opened_at": session.opened_at,
                                  "revealed_at": session.revealed_at}
        if session.phase is Phase.ENDED:
            row.update(status="ended", end_reason=session.end_reason.value if session.end_reason else None, ended_at=now)
        db.execute(f"update quizzes set {', '.join(f'{name} = ?' for name in row)} where id = ?",
                   [*row.values(), session.quiz_id])


def load_running_quizzes(db: StateDatabase) -> list[StoredQuiz]:
    """Every quiz still running, its session rebuilt from its questions and answers."""
    found = []
    for row in fetch_dicts(db.execute("select * from quizzes where status = 'running' order by id")):
        questions = fetch_dicts(db.execute("select * from quiz_questions where quiz_id = ? order by number", [row["id"]]))
        answers = [_read_answer(answer) for answer in
                   fetch_dicts(db.execute("select * from quiz_answers where quiz_id = ? order by number, answered_at",
                                          [row["id"]]))]
        session = QuizSession(row["id"], row["guild_id"], row["channel_id"], row["starter_id"], row["locale"] or "en",
                              [Question.from_json(question["body"]) for question in questions],
                              Rules(**json.loads(row["rules"])) if row["rules"] else Rules())
        closed = {question["number"]: question["closed_at"] for question in questions if question["closed_at"] is not None}
        session.replay(answers, closed, row["number"], Phase(row["phase"]), row["opened_at"] or row["started_at"], row["revealed_at"])
        moments = [row["started_at"], row["opened_at"] or 0, row["revealed_at"] or 0, *closed.values(),
                   *(answer.answered_at for answer in answers)]
        found.append(StoredQuiz(session, row["kind"], row["difficulty"], row["seed"], max(moments)))
    return found


def read_recent_keys(db: StateDatabase, guild_id: str, quizzes: int = RECENT_QUIZZES) -> set[str]:
    """The keys of the questions of a server's last quizzes: not to be asked again soon."""
    rows = db.execute(
        """select key from quiz_questions where quiz_id in
           (select id from quizzes where guild_id = ? order by started_at desc, id desc limit ?)""", [guild_id, quizzes])
    return {key for (key,) in rows.fetchall()}


def find_period_start(period: Period, now: float) -> float | None:
    """The first second of this calendar week (Monday) or month, in UTC; None for all time."""
    if period == "all":
        return None
    moment = datetime.fromtimestamp(now, tz=UTC)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    start = day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)
    return start.timestamp()


def read_leaderboard(db: StateDatabase, guild_id: str, period: Period = "all", now: float = 0.0,
                     limit: int | None = 10) -> list[LeaderRow]:
    """A server's ranking over a period: points, quizzes played, accuracy, best streak, wins
    (only in quizzes with at least two players: nobody farms the leaderboard alone)."""
    since = find_period_start(period, now)
    answers = db.execute(
        """select a.quiz_id, a.number, a.member_id, a.member_name, a.correct, a.points, q.status
           from quiz_answers a join quizzes q on q.id = a.quiz_id
           where q.guild_id = ? and (cast(? as double precision) is null or q.started_at >= ?)
           order by a.quiz_id, a.number, a.answered_at""", [guild_id, since, since]).fetchall()
    closed = _read_closed_numbers(db, guild_id, since)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    by_quiz: dict[int, dict[str, list[tuple[int, bool, int]]]] = defaultdict(lambda: defaultdict(list))
    ended: set[int] = set()
    for quiz_id, number, member_id, name, correct, points, status in answers:
        names[member_id] = name
        totals[member_id]["points"] += points
        totals[member_id]["answered"] += 1
        totals[member_id]["right"] += correct
        by_quiz[quiz_id][member_id].append((number, bool(correct), points))
        if status == "ended":
            ended.add(quiz_id)
    for quiz_id, players in by_quiz.items():
        numbers = sorted(closed.get(quiz_id, set()) | {number for given in players.values() for number, _, _ in given})
        for member_id, given in players.items():
            totals[member_id]["quizzes"] += 1
            totals[member_id]["best_streak"] = max(totals[member_id]["best_streak"], _find_best_streak(numbers, given))
        scores = {member_id: sum(points for _, _, points in given) for member_id, given in players.items()}
        top = max(scores.values())
        if quiz_id in ended and len(players) >= 2 and top > 0:
            for member_id, score in scores.items():
                totals[member_id]["wins"] += score == top
    ordered = sorted(totals, key=lambda m: (-totals[m]["points"], -totals[m]["right"], names[m].casefold(), m))
    rows: list[LeaderRow] = []
    for position, member_id in enumerate(ordered, start=1):
        t = totals[member_id]
        tied = rows and (rows[-1].points, rows[-1].right) == (t["points"], t["right"])
        rows.append(LeaderRow(rows[-1].rank if tied else position, member_id, names[member_id], t["points"], t["quizzes"],
                              t["answered"], t["right"], t["best_streak"], t["wins"]))
    return rows[:limit] if limit else rows


def read_member_stats(db: StateDatabase, guild_id: str, member_id: str) -> MemberStats | None:
    """One member's all-time figures on a server; None if they never answered there."""
    board = read_leaderboard(db, guild_id, "all", limit=None)
    row = next((row for row in board if row.member_id == member_id), None)
    if row is None:
        return None
    by_kind: dict[str, tuple[int, int]] = {}
    for kind, answered, right in db.execute(
            """select qq.kind, count(*), sum(a.correct) from quiz_answers a
               join quizzes q on q.id = a.quiz_id join quiz_questions qq on qq.quiz_id = a.quiz_id and qq.number = a.number
               where q.guild_id = ? and a.member_id = ? group by qq.kind order by qq.kind""", [guild_id, member_id]).fetchall():
        by_kind[kind] = (int(answered), int(right or 0))  # PostgreSQL sums bigints as numeric
    (average,) = db.execute(
        """select avg(a.elapsed) from quiz_answers a join quizzes q on q.id = a.quiz_id
           where q.guild_id = ? and a.member_id = ? and a.correct = 1""", [guild_id, member_id]).fetchone()
    return MemberStats(row, len(board), by_kind, average)


def _read_closed_numbers(db: StateDatabase, guild_id: str, since: float | None) -> dict[int, set[int]]:
    closed: dict[int, set[int]] = defaultdict(set)
    for quiz_id, number in db.execute(
            """select qq.quiz_id, qq.number from quiz_questions qq join quizzes q on q.id = qq.quiz_id
               where q.guild_id = ? and (cast(? as double precision) is null or q.started_at >= ?) and qq.closed_at is not null""",
            [guild_id, since, since]).fetchall():
        closed[quiz_id].add(number)
    return closed


def _find_best_streak(numbers: list[int], given: list[tuple[int, bool, int]]) -> int:
    """The longest run of right answers over a quiz's questions; a question left unanswered breaks it."""
    right = {number for number, correct, _ in given if correct}
    best = streak = 0
    for number in numbers:
        streak = streak + 1 if number in right else 0
        best = max(best, streak)
    return best


def _read_answer(row: dict[str, Any]) -> Answer:
    return Answer(row["number"], row["member_id"], row["member_name"], row["choice"], bool(row["correct"]), row["points"],
                  row["answered_at"], row["elapsed"])


def read_quiz_locale(db: StateDatabase, quiz_id: int, default: Locale = "en") -> Locale:
    """The language a quiz's public messages are in (the server's, when it started)."""
    row = db.execute("select locale from quizzes where id = ?", [quiz_id]).fetchone()
    return cast(Locale, row[0]) if row else default  # stored by start_quiz from a Locale
