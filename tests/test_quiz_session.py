"""The round's state machine, driven by explicit timestamps: answers, double and late clicks,
bots, timeouts and reveals, two silent questions, stop permissions, scoring and streaks."""
from __future__ import annotations

import pytest

from bot.quiz.questions import Choice, Passage, Question
from bot.quiz.session import (Answer, ClickStatus, EndReason, Member, Phase, QuestionOpened, QuestionRevealed,
                              QuizEnded, QuizSession, Rules, score_answer)

T0 = 1_700_000_000.0
RULES = Rules(question_seconds=20.0, reveal_seconds=5.0, max_points=1000, silent_limit=2, early_reveal=True)
ALICE, BOB, CAROL = Member("1", "Alice"), Member("2", "Bob"), Member("3", "Carol")
ROBOT = Member("9", "Robot", is_bot=True)


def make_question(number: int, right: int = 0) -> Question:
    """A hand-written question: the state machine never looks inside, only at `right`."""
    choices = tuple(Choice(f"c{number}-{i}", "person", {"fr": f"choix {i}", "en": f"choice {i}"}) for i in range(4))
    return Question(key=f"test:{number}", kind="who", difficulty="medium", prompt={"fr": f"Q{number} ?", "en": f"Q{number}?"},
                    choices=choices, right=right, explanation={"fr": "parce que", "en": "because"}, event_id=f"event-{number}",
                    passages=(Passage("000.txt", "words"),))


def make_session(count: int = 3, rules: Rules = RULES, right: int = 0) -> QuizSession:
    session = QuizSession(7, "guild", "channel", ALICE.id, "en", [make_question(n, right) for n in range(count)], rules)
    session.open_question(T0)
    return session


# --- answers

def test_an_answer_is_accepted_once_and_a_double_click_is_ignored() -> None:
    session = make_session()
    first = session.record_click(BOB, 0, 0, T0 + 2)
    again = session.record_click(BOB, 0, 3, T0 + 3)
    assert first.status is ClickStatus.ACCEPTED and first.answer is not None and first.answer.correct
    assert again.status is ClickStatus.ALREADY_ANSWERED and again.answer is None
    assert session.answers[0][BOB.id].choice == 0  # the first answer stands


@pytest.mark.parametrize(("number", "offset", "status"), [
    (0, 19.9, ClickStatus.ACCEPTED),
    (0, 20.0, ClickStatus.LATE),      # at the deadline, before anyone called advance()
    (0, 45.0, ClickStatus.LATE),
    (1, 1.0, ClickStatus.LATE),       # a button of another question
    (0, 1.0, ClickStatus.ACCEPTED),
])
def test_clicks_after_the_deadline_or_on_another_question_are_late(number: int, offset: float, status: ClickStatus) -> None:
    assert make_session().record_click(BOB, number, 1, T0 + offset).status is status


def test_a_click_after_the_reveal_is_late_and_changes_nothing() -> None:
    session = make_session()
    session.advance(T0 + 20)
    assert session.phase is Phase.REVEALED
    assert session.record_click(BOB, 0, 0, T0 + 21).status is ClickStatus.LATE
    assert session.players == {}


def test_a_bots_click_is_ignored() -> None:
    session = make_session()
    assert session.record_click(ROBOT, 0, 0, T0 + 1).status is ClickStatus.BOT
    assert session.answers.get(0, {}) == {} and session.players == {}


@pytest.mark.parametrize("choice", [-1, 4, 99])
def test_a_choice_that_does_not_exist_is_refused(choice: int) -> None:
    assert make_session().record_click(BOB, 0, choice, T0 + 1).status is ClickStatus.INVALID


def test_clicks_on_an_ended_quiz_say_so() -> None:
    session = make_session()
    session.stop(ALICE.id, False, T0 + 1)
    assert session.record_click(BOB, 0, 0, T0 + 2).status is ClickStatus.ENDED


# --- the timer

def test_the_timer_reveals_at_the_deadline_and_opens_the_next_question_after_the_pause() -> None:
    session = make_session()
    assert session.next_wakeup() == T0 + 20
    assert session.advance(T0 + 19.9) == []
    session.record_click(BOB, 0, 0, T0 + 5)
    (revealed,) = session.advance(T0 + 20)
    assert isinstance(revealed, QuestionRevealed) and revealed.number == 0
    assert session.next_wakeup() == T0 + 25
    assert session.advance(T0 + 24) == []
    (opened,) = session.advance(T0 + 25)
    assert isinstance(opened, QuestionOpened) and opened.number == 1 and opened.deadline == T0 + 45


def test_a_late_timer_call_still_shows_the_reveal_before_the_next_question() -> None:
    session = make_session()
    session.record_click(BOB, 0, 0, T0 + 1)
    steps = session.advance(T0 + 300)  # the bot was busy: the reveal comes first, the pause counts from now
    assert [type(step) for step in steps] == [QuestionRevealed]
    assert session.next_wakeup() == T0 + 305


def test_the_reveal_gives_each_choices_share_of_the_members() -> None:
    session = make_session(right=2)
    for member, choice in ((ALICE, 2), (BOB, 2), (CAROL, 0)):
        session.record_click(member, 0, choice, T0 + 1)
    (revealed,) = session.advance(T0 + 20)
    assert revealed.counts == (1, 0, 2, 0)
    assert revealed.shares == pytest.approx((1 / 3, 0, 2 / 3, 0))
    assert {(r.name, r.correct) for r in revealed.results} == {("Alice", True), ("Bob", True), ("Carol", False)}


def test_everyone_who_played_having_answered_brings_the_reveal_forward_from_the_second_question() -> None:
    session = make_session()
    session.record_click(ALICE, 0, 0, T0 + 1)
    session.record_click(BOB, 0, 1, T0 + 2)
    assert session.advance(T0 + 3) == []  # the first question waits: nobody knows who plays yet
    session.advance(T0 + 20)
    session.advance(T0 + 25)
    session.record_click(ALICE, 1, 0, T0 + 26)
    assert session.advance(T0 + 27) == []  # Bob has not answered
    session.record_click(BOB, 1, 0, T0 + 28)
    assert [type(step) for step in session.advance(T0 + 28)] == [QuestionRevealed]


def test_early_reveal_can_be_switched_off() -> None:
    session = make_session(rules=Rules(early_reveal=False))
    session.record_click(ALICE, 0, 0, T0 + 1)
    session.advance(T0 + 20)
    session.advance(T0 + 30)
    session.record_click(ALICE, 1, 0, T0 + 31)
    assert session.advance(T0 + 32) == []


def test_two_questions_in_a_row_without_an_answer_end_the_quiz() -> None:
    session = make_session(count=5)
    steps = session.advance(T0 + 20) + session.advance(T0 + 28)
    assert [type(step) for step in steps] == [QuestionRevealed, QuestionOpened]
    steps = session.advance(T0 + 48)
    assert [type(step) for step in steps] == [QuestionRevealed, QuizEnded]
    assert steps[-1].reason is EndReason.SILENT and session.phase is Phase.ENDED
    assert session.next_wakeup() is None


def test_an_answered_question_between_silent_ones_keeps_the_quiz_going() -> None:
    session = make_session(count=5)
    now = T0
    for number, answered in enumerate((False, True, False, True)):
        if answered:
            session.record_click(BOB, number, 0, now + 1)
        session.advance(now + 20)
        session.advance(now + 25)
        now += 25
    assert session.phase is Phase.OPEN and session.number == 4


def test_the_last_reveal_ends_the_quiz_with_the_standings() -> None:
    session = make_session(count=2)
    session.record_click(BOB, 0, 0, T0)
    session.advance(T0 + 20)
    session.advance(T0 + 25)
    session.record_click(BOB, 1, 0, T0 + 25)
    steps = session.advance(T0 + 45)
    assert isinstance(steps[-1], QuizEnded) and steps[-1].reason is EndReason.COMPLETED
    assert steps[-1].winners == (BOB.id,) and not steps[-1].counts_for_wins  # Bob played alone


# --- stop

@pytest.mark.parametrize(("member_id", "can_manage", "allowed"), [
    (ALICE.id, False, True),   # the starter
    (BOB.id, True, True),      # a member with Manage Messages
    (BOB.id, False, False),
    (CAROL.id, False, False),
])
def test_only_the_starter_or_a_manager_can_stop(member_id: str, can_manage: bool, allowed: bool) -> None:
    session = make_session()
    result = session.stop(member_id, can_manage, T0 + 1)
    assert result.allowed is allowed
    assert (session.phase is Phase.ENDED) is allowed


def test_stopping_reveals_the_open_question_and_counts_its_answers() -> None:
    session = make_session()
    session.record_click(BOB, 0, 0, T0)
    result = session.stop(ALICE.id, False, T0 + 3)
    assert [type(step) for step in result.steps] == [QuestionRevealed, QuizEnded]
    ended = result.steps[-1]
    assert ended.reason is EndReason.STOPPED and ended.stopped_by == ALICE.id
    assert ended.standings[0].member_id == BOB.id and ended.standings[0].points == 1000
    assert not session.stop(ALICE.id, True, T0 + 4).allowed  # nothing left to stop


# --- scoring

@pytest.mark.parametrize(("elapsed", "points"), [(0, 1000), (5, 875), (10, 750), (19.99, 500), (20, 500), (60, 500), (-3, 1000)])
def test_a_fast_answer_earns_more_but_never_less_than_half(elapsed: float, points: int) -> None:
    assert score_answer(elapsed, RULES) == points


def test_points_decrease_with_time_within_bounds() -> None:
    scores = [score_answer(tenth / 10, RULES) for tenth in range(0, 250)]
    assert all(500 <= score <= 1000 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_a_wrong_answer_scores_nothing_and_breaks_the_streak() -> None:
    session = make_session(count=4)
    now = T0
    for number, (choice, points, streak) in enumerate(((0, 900, 1), (0, 900, 2), (1, 0, 0), (0, 900, 1))):
        session.record_click(BOB, number, choice, now + 4)
        steps = session.advance(now + 20)
        (result,) = steps[0].results
        assert (result.points, result.streak) == (points, streak)
        session.advance(now + 25)
        now += 25
    bob = session.players[BOB.id]
    assert (bob.points, bob.right, bob.answered, bob.streak, bob.best_streak) == (2700, 3, 4, 1, 2)


def test_a_missed_question_breaks_the_streak_too() -> None:
    session = make_session(count=3)
    session.record_click(BOB, 0, 0, T0)
    session.record_click(ALICE, 0, 0, T0)
    session.advance(T0 + 20)
    session.advance(T0 + 25)
    session.record_click(ALICE, 1, 0, T0 + 25)
    session.advance(T0 + 45)
    assert session.players[BOB.id].streak == 0 and session.players[ALICE.id].streak == 2


def test_standings_rank_by_points_and_share_ranks_on_ties() -> None:
    session = make_session(count=1)
    for member in (ALICE, BOB):
        session.record_click(member, 0, 0, T0 + 4)
    session.record_click(CAROL, 0, 1, T0 + 1)
    (_, ended) = session.advance(T0 + 20)
    assert [(s.rank, s.name, s.points) for s in ended.standings] == [(1, "Alice", 900), (1, "Bob", 900), (3, "Carol", 0)]
    assert set(ended.winners) == {ALICE.id, BOB.id} and ended.counts_for_wins


# --- after a restart

def test_replaying_the_stored_answers_rebuilds_points_and_streaks() -> None:
    played = make_session(count=4)
    now = T0
    for number, (bob_choice, carol_choice) in enumerate(((0, 0), (0, 1), (0, None))):
        played.record_click(BOB, number, bob_choice, now + 3)
        if carol_choice is not None:
            played.record_click(CAROL, number, carol_choice, now + 4)
        played.advance(now + 20)
        played.advance(now + 25)
        now += 25
    played.record_click(CAROL, 3, 0, now + 1)  # the open question's answer, not yet revealed
    answers: list[Answer] = [answer for given in played.answers.values() for answer in given.values()]
    closed = {number: T0 + 20 + 25 * number for number in range(3)}
    rebuilt = QuizSession(7, "guild", "channel", ALICE.id, "en", played.questions, RULES)
    rebuilt.replay(answers, closed, played.number, played.phase, played.opened_at, played.revealed_at)
    assert rebuilt.players == played.players
    assert rebuilt.answers == played.answers
    assert (rebuilt.number, rebuilt.phase, rebuilt.silent_in_a_row) == (3, Phase.OPEN, 0)
    assert rebuilt.record_click(CAROL, 3, 1, now + 2).status is ClickStatus.ALREADY_ANSWERED


def test_resuming_reopens_the_question_with_a_fresh_timer_and_closing_counts_its_answers() -> None:
    session = make_session(count=3)
    session.record_click(BOB, 0, 0, T0 + 10)
    (opened,) = session.resume(T0 + 100)
    assert opened.resumed and opened.number == 0 and opened.deadline == T0 + 120
    assert session.record_click(CAROL, 0, 0, T0 + 101).status is ClickStatus.ACCEPTED
    closing = make_session(count=3)
    closing.record_click(BOB, 0, 0, T0 + 10)
    steps = closing.close_after_restart(T0 + 10_000)
    assert [type(step) for step in steps] == [QuestionRevealed, QuizEnded]
    assert steps[-1].reason is EndReason.RESTART and steps[-1].standings[0].points == 750


def test_the_reveal_tells_a_wrong_answer_from_no_answer() -> None:
    from bot.quiz.texts import phrase_reveal

    session = make_session(rules=Rules(question_seconds=20.0, reveal_seconds=5.0, early_reveal=False))
    session.record_click(ALICE, 0, 0, T0 + 1)  # right
    session.record_click(BOB, 0, 1, T0 + 1)  # wrong
    session.advance(T0 + 20)
    session.advance(T0 + 25)  # the next question opens
    session.record_click(ALICE, 1, 2, T0 + 26)  # wrong; Bob, who played before, stays silent
    revealed = next(step for step in session.advance(T0 + 45) if isinstance(step, QuestionRevealed))
    assert {result.name: result.choice for result in revealed.results} == {"Alice": 2, "Bob": None}
    shown = phrase_reveal(revealed, "en")
    assert "Alice: wrong" in shown and "Bob: no answer" in shown
    french = phrase_reveal(revealed, "fr")
    assert "Alice : faux" in french and "Bob : pas de réponse" in french


@pytest.mark.parametrize(("label", "locale", "expected"), [
    ({"en": "Sutskever writes that it will not scale to superintelligence.", "fr": "x"}, "en",
     "Answer recorded: Sutskever writes that it will not scale to superintelligence. Only you"),
    ({"en": "x", "fr": "Sam Altman"}, "fr", "Réponse enregistrée : Sam Altman. Vous seul"),
])
def test_an_accepted_answer_is_confirmed_with_one_full_stop(label: dict[str, str], locale: str, expected: str) -> None:
    from bot.quiz.texts import phrase_click

    shown = phrase_click(ClickStatus.ACCEPTED, locale, label)  # type: ignore[arg-type]
    assert shown is not None and shown.startswith(expected) and ".." not in shown
