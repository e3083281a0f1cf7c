"""Quizzes in words, for Discord and the console alike: the question with its choices and
countdown, the reveal with each choice's share and the explanation, the standings, the
leaderboard and a member's stats. Every sentence comes from bot.messages."""
from __future__ import annotations

from ..answering.normalize import Locale
from ..answering.phrasing import join_names, pick_separator
from ..messages import say
from .generator import MAX_QUESTIONS, MIN_QUESTIONS
from .questions import Question
from .service import StartResult
from .session import ClickStatus, EndReason, QuestionOpened, QuestionRevealed, QuizEnded, Standing, Step
from .store import LeaderRow, MemberStats, Period

RIGHT_MARK, OTHER_MARK = "✅", "▫️"


def phrase_question(opened: QuestionOpened, locale: Locale, countdown: str | None = None) -> str:
    """'**Question 3/10** · who? · hard', the prompt, the numbered choices, the countdown line.
    `countdown` defaults to the seconds left at opening ('⏱ 20 s to answer'); Discord may pass
    a live timestamp instead."""
    question = opened.question
    lines = [phrase_header(question, opened.number, opened.total, locale), question.prompt[locale], ""]
    lines += [say("quiz.choice", locale, number=position, label=choice.label[locale])
              for position, choice in enumerate(question.choices, start=1)]
    seconds = round(opened.deadline - opened.opened_at)
    lines += ["", countdown or say("quiz.countdown", locale, seconds=seconds)]
    return "\n".join(lines)


def phrase_header(question: Question, number: int, total: int, locale: Locale) -> str:
    return say("quiz.header", locale, number=number + 1, total=total, kind=say(f"quiz.kind.{question.kind}", locale),
               difficulty=say(f"quiz.difficulty.{question.difficulty}", locale))


def phrase_reveal(revealed: QuestionRevealed, locale: Locale) -> str:
    """The right answer, the share of members on each choice, who scored, and why."""
    question = revealed.question
    lines = [phrase_header(question, revealed.number, revealed.total, locale),
             say("quiz.reveal.answer", locale, label=question.right_choice.label[locale])]
    for position, choice in enumerate(question.choices):
        mark = RIGHT_MARK if position == question.right else OTHER_MARK
        lines.append(say("quiz.reveal.share", locale, mark=mark, number=position + 1, label=choice.label[locale],
                         share=phrase_percent(revealed.shares[position], locale), count=revealed.counts[position]))
    if any(result.choice is not None for result in revealed.results):
        # A wrong answer and no answer are told apart: both score nothing, only one was a try.
        scored = [say("quiz.reveal.right", locale, name=r.name, points=r.points, streak=r.streak) if r.correct
                  else say("quiz.reveal.wrong", locale, name=r.name) if r.choice is not None
                  else say("quiz.reveal.silent", locale, name=r.name) for r in revealed.results]
        lines.append(say("quiz.reveal.results", locale, results=pick_separator(locale).join(scored)))
    else:
        lines.append(say("quiz.reveal.nobody", locale))
    lines += [say("quiz.reveal.why", locale), question.explanation[locale]]
    return "\n".join(lines)


def phrase_end(ended: QuizEnded, locale: Locale, stopper_name: str | None = None) -> str:
    """Why the quiz ended, the final standings, the winners (and why a solo win does not count)."""
    if ended.reason is EndReason.STOPPED:
        lines = [say("quiz.end.stopped", locale, name=stopper_name or ended.stopped_by or "?")]
    else:
        lines = [say(f"quiz.end.{ended.reason.value}", locale)]
    lines += phrase_standings(ended.standings, locale)
    if ended.winners:
        names = [standing.name for standing in ended.standings if standing.member_id in ended.winners]
        lines.append(say("quiz.winners", locale, names=join_names(names, locale)))
        if not ended.counts_for_wins:
            lines.append(say("quiz.solo", locale))
    return "\n".join(lines)


def phrase_standings(standings: tuple[Standing, ...] | list[Standing], locale: Locale) -> list[str]:
    if not standings:
        return [say("quiz.standings.empty", locale)]
    return [say("quiz.standing", locale, rank=s.rank, name=s.name, points=s.points, right=s.right, answered=s.answered,
                streak=s.best_streak) for s in standings]


def phrase_step(step: Step, locale: Locale) -> str:
    """Any step, worded: what the console prints (Discord edits and posts messages instead)."""
    if isinstance(step, QuestionOpened):
        text = phrase_question(step, locale)
        return say("quiz.resumed", locale, number=step.number + 1, total=step.total) + "\n" + text if step.resumed else text
    if isinstance(step, QuestionRevealed):
        return phrase_reveal(step, locale)
    return phrase_end(step, locale)


def phrase_start(result: StartResult, locale: Locale, starter_name: str, difficulty: str, kind: str) -> str:
    """'Quiz started by Alice: 10 questions · medium · mixed…', or why it did not start."""
    if result.status == "busy":
        return say("quiz.busy", locale)
    if result.status == "bad_count":
        return say("quiz.bad_count", locale, min=MIN_QUESTIONS, max=MAX_QUESTIONS)
    if result.status == "no_questions":
        return say("quiz.no_questions", locale)
    lines = [say("quiz.started", locale, starter=starter_name, count=result.count, difficulty=say(f"quiz.difficulty.{difficulty}", locale),
                 kind=say(f"quiz.kind.{kind}", locale))]
    if result.count < result.requested:
        lines.append(say("quiz.fewer", locale, count=result.count))
    return "\n".join(lines)


def phrase_click(status: ClickStatus, locale: Locale, choice_label: dict[str, str] | None = None, choice_count: int = 4) -> str | None:
    """The reply only the clicking member sees; None for a bot's click (ignored without a word)."""
    if status is ClickStatus.BOT:
        return None
    if status is ClickStatus.ACCEPTED:
        # An event's summary ends with its own full stop; the sentence around it adds one.
        return say("quiz.click.accepted", locale, choice=(choice_label or {}).get(locale, "?").rstrip(". "))
    if status is ClickStatus.INVALID:
        return say("quiz.click.invalid", locale, count=choice_count)
    return say(f"quiz.click.{status.value}", locale)


def phrase_stop_denied(locale: Locale, starter_name: str) -> str:
    return say("quiz.stop.denied", locale, starter=starter_name)


def phrase_leaderboard(rows: list[LeaderRow], period: Period, locale: Locale) -> str:
    """The server's ranking over a period."""
    named_period = say(f"quiz.period.{period}", locale)
    if not rows:
        return say("quiz.leaderboard.empty", locale, period=named_period)
    lines = [say("quiz.leaderboard.title", locale, period=named_period)]
    lines += [say("quiz.leaderboard.line", locale, rank=row.rank, name=row.name, points=row.points, quizzes=row.quizzes,
                  accuracy=phrase_percent(row.accuracy, locale), streak=row.best_streak, wins=row.wins) for row in rows]
    return "\n".join(lines)


def phrase_stats(stats: MemberStats | None, name: str, locale: Locale) -> str:
    """A member's all-time figures on the server, with their accuracy by kind of question."""
    if stats is None:
        return say("quiz.stats.none", locale, name=name)
    row = stats.row
    lines = [say("quiz.stats.title", locale, name=row.name, rank=row.rank, players=stats.players),
             say("quiz.stats.line", locale, points=row.points, quizzes=row.quizzes, wins=row.wins, right=row.right,
                 answered=row.answered, accuracy=phrase_percent(row.accuracy, locale), streak=row.best_streak)]
    if stats.average_seconds is not None:
        lines.append(say("quiz.stats.speed", locale, seconds=phrase_seconds(stats.average_seconds, locale)))
    kinds = [say("quiz.stats.kind", locale, kind=say(f"quiz.kind.{kind}", locale), right=right, answered=answered)
             for kind, (answered, right) in stats.by_kind.items()]
    if kinds:
        lines.append(pick_separator(locale).join(kinds))
    return "\n".join(lines)


def phrase_percent(share: float, locale: Locale) -> str:
    """0.5 → « 50 % » / '50%'."""
    whole = round(share * 100)
    return f"{whole}\u202f%" if locale == "fr" else f"{whole}%"


def phrase_seconds(seconds: float, locale: Locale) -> str:
    text = f"{seconds:.1f}"
    return text.replace(".", ",") if locale == "fr" else text
