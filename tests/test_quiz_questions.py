"""Quiz questions over many seeds: four distinct choices of one kind, exactly one right answer
that the saga database itself confirms (read here with SQL, not through the generator's index),
nothing disputed or hedged, verbatim passages, reproducible seeds, no repeats."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from statistics import mean

import pytest
import sqlite_utils

from bot.answering.index import SagaIndex, load_index
from bot.answering.normalize import split_words
from bot.quiz.generator import count_available, generate_quiz
from bot.quiz.masking import mask_names, mask_number, still_names
from bot.quiz.questions import BLANK, CHOICE_COUNT, DIFFICULTIES, KIND_CHOICES, KINDS, Question
from bot.saga.roles import holders_at

SEEDS = range(40)
ENTITY_CATEGORIES = {"person": "person", "organisation": "collective", "group": "collective", "media": "collective"}


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture(scope="module")
def db(saga_db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = sqlite_utils.Database(saga_db_path)
    yield database
    database.conn.close()


@pytest.fixture(scope="module")
def quizzes(index: SagaIndex) -> dict[tuple[str, str], list[list[Question]]]:
    """Quizzes of every kind and difficulty, over many seeds (built once for all the checks)."""
    return {(kind, difficulty): [generate_quiz(index, 20, difficulty, kind, seed) for seed in SEEDS]
            for kind in KIND_CHOICES for difficulty in DIFFICULTIES}


def every_question(quizzes: dict[tuple[str, str], list[list[Question]]]) -> Iterator[Question]:
    for quiz_list in quizzes.values():
        for quiz in quiz_list:
            yield from quiz


# --- the shape of a question

def test_every_question_has_four_distinct_choices_and_one_right_index(quizzes: dict) -> None:
    seen = 0
    for question in every_question(quizzes):
        seen += 1
        assert len(question.choices) == CHOICE_COUNT
        assert len({choice.value for choice in question.choices}) == CHOICE_COUNT, question.key
        for locale in ("fr", "en"):
            assert len({choice.label[locale] for choice in question.choices}) == CHOICE_COUNT, question.key
            assert question.prompt[locale].strip() and question.explanation[locale].strip()
        assert 0 <= question.right < CHOICE_COUNT
    assert seen > 5000


def test_all_four_choices_are_of_the_same_kind(quizzes: dict) -> None:
    for question in every_question(quizzes):
        assert len({choice.category for choice in question.choices}) == 1, question.key


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_yields_questions_at_every_difficulty(quizzes: dict, kind: str) -> None:
    for difficulty in DIFFICULTIES:
        sizes = [len(quiz) for quiz in quizzes[(kind, difficulty)]]
        assert min(sizes) >= 5, (kind, difficulty, sizes)  # /quiz start accepts 5 questions at least
        assert all(question.kind == kind and question.difficulty == difficulty
                   for quiz in quizzes[(kind, difficulty)] for question in quiz)


def test_a_mixed_quiz_mixes_kinds(quizzes: dict) -> None:
    for quiz in quizzes[("mixed", "medium")]:
        kinds = [question.kind for question in quiz]
        assert len(set(kinds)) >= 4
        assert all(first != second for first, second in pairwise(kinds)), kinds


# --- exactly one right answer, confirmed by the database

def test_who_the_right_choice_is_the_events_actor_and_no_other_choice_took_part(quizzes: dict, db: sqlite_utils.Database) -> None:
    for question in every_question(quizzes):
        if question.kind != "who":
            continue
        event = question.asked["event"]
        actors = {row["entity_id"] for row in db["event_entities"].rows_where("event_id = ? and role = 'actor'", [event])}
        involved = {row["entity_id"] for row in db["event_entities"].rows_where("event_id = ?", [event])}
        assert question.right_choice.value in actors
        assert not {choice.value for choice in question.choices if choice is not question.right_choice} & involved
        # The prompt blanks the answer: its name is nowhere left to read.
        name = db["entities"].get(question.right_choice.value)["name"]
        assert BLANK in question.prompt["en"] and not still_names(question.prompt["en"], [name]), question.prompt["en"]


def test_choice_categories_are_the_entities_kinds(quizzes: dict, db: sqlite_utils.Database) -> None:
    kinds = {row["id"]: row["kind"] for row in db["entities"].rows}
    for question in every_question(quizzes):
        if question.kind in ("who", "quote", "role"):
            for choice in question.choices:
                assert ENTITY_CATEGORIES[kinds[choice.value]] == choice.category
                assert not choice.value.startswith("unnamed-")


def test_when_the_right_choice_is_the_events_day_and_the_others_are_nearby(quizzes: dict, db: sqlite_utils.Database) -> None:
    for question in every_question(quizzes):
        if question.kind != "when":
            continue
        row = db["events"].get(question.asked["event"])
        assert question.right_choice.value == row["date"][: len(question.right_choice.value)]
        assert row["date_precision"] in ("day", "minute", "month", "year")
        # The same actor doing the same to the same people on a distractor's date would make it right too.
        twins = db.execute(
            """select o.date from events o where o.id != :id and o.action = :action
               and exists (select 1 from event_entities a join event_entities b on a.entity_id = b.entity_id
                           where a.event_id = o.id and b.event_id = :id and a.role = 'actor' and b.role = 'actor')""",
            {"id": row["id"], "action": row["action"]}).fetchall()
        for choice in question.choices:
            if choice is not question.right_choice:
                assert choice.value != question.right_choice.value
                assert all(not twin.startswith(choice.value) for (twin,) in twins), (question.key, choice.value)
                if len(choice.value) == 10:
                    gap = abs((date.fromisoformat(choice.value) - date.fromisoformat(question.right_choice.value)).days)
                    assert 1 <= gap <= 6


def test_quote_the_right_choice_said_those_words_and_no_other_choice_did(quizzes: dict, db: sqlite_utils.Database) -> None:
    for question in every_question(quizzes):
        if question.kind != "quote":
            continue
        quote = db["quotes"].get(question.asked["quote"])
        assert quote["text"] in question.prompt["fr"]
        same_words = db.execute(
            "select entity_id from quote_speakers join quotes on quotes.id = quote_id where quotes.text = ?", [quote["text"]])
        speakers = {entity for (entity,) in same_words.fetchall()}
        assert {choice.value for choice in question.choices} & speakers == {question.right_choice.value}


def test_role_the_right_choice_certainly_held_the_post_and_no_other_choice_ever_did(quizzes: dict, db: sqlite_utils.Database) -> None:
    for question in every_question(quizzes):
        if question.kind != "role":
            continue
        asked = question.asked
        holders = holders_at(db, asked["role"], asked["date"], asked["of"])
        assert question.right_choice.value in {tenure.entity_id for tenure in holders if tenure.certain}
        ever = {row["entity_id"] for row in db["role_spells"].rows_where("role = ?", [asked["role"]])}
        assert not {choice.value for choice in question.choices if choice is not question.right_choice} & ever


def test_order_the_right_choice_is_certainly_first_or_last(quizzes: dict, db: sqlite_utils.Database) -> None:
    for question in every_question(quizzes):
        if question.kind != "order" or question.asked["direction"] == "sequence":
            continue
        rows = {choice.value: db["events"].get(choice.value) for choice in question.choices}
        right = rows.pop(question.right_choice.value)
        for other in rows.values():
            if question.asked["direction"] == "first":
                assert right["date_end"] < other["date_start"], (right["id"], other["id"])
            else:
                assert right["date_start"] > other["date_end"], (right["id"], other["id"])


def test_put_in_order_the_right_sequence_is_certain_and_the_only_one(quizzes: dict, db: sqlite_utils.Database) -> None:
    sequences = [question for question in every_question(quizzes) if question.kind == "order" and question.asked["direction"] == "sequence"]
    assert sequences
    for question in sequences:
        first, middle, last = (db["events"].get(event_id) for event_id in question.right_choice.value.split(","))
        assert first["date_end"] < middle["date_start"] and middle["date_end"] < last["date_start"], question.right_choice.value
        assert len({choice.value for choice in question.choices}) == 4
        assert all(sorted(choice.value.split(",")) == sorted(question.right_choice.value.split(",")) for choice in question.choices)


def test_figures_the_right_choice_is_the_articles_number_and_no_other_choice_is(quizzes: dict, db: sqlite_utils.Database) -> None:
    for question in every_question(quizzes):
        if question.kind != "figures":
            continue
        values = {row["value"] for row in db["figures"].rows_where("measure = ?", [question.asked["measure"]])}
        assert values == {float(question.right_choice.value)}  # one value: the articles agree on it
        assert all(float(choice.value) not in values for choice in question.choices if choice is not question.right_choice)
        assert BLANK in question.prompt["fr"] and BLANK in question.prompt["en"]


# --- nothing contested, everything verbatim

def test_nothing_disputed_or_hedged_is_ever_asked(quizzes: dict, db: sqlite_utils.Database) -> None:
    disputed = {row["event_id"] for row in db["dispute_events"].rows}
    hedged = {row["id"] for row in db["events"].rows_where("hedged")}
    hedged_figures = {row["measure"] for row in db["figures"].rows_where("hedged")}
    contested_posts = {(row["role"], row["of_entity"]) for row in db["role_spells"].rows_where("dispute_id is not null")}
    for question in every_question(quizzes):
        for event in (question.event_id, *question.related_events):
            assert event not in disputed and event not in hedged, (question.key, event)
        assert question.asked.get("measure") not in hedged_figures
        assert (question.asked.get("role"), question.asked.get("of")) not in contested_posts


def test_every_passage_is_verbatim_in_its_article(quizzes: dict, db: sqlite_utils.Database) -> None:
    texts = {row["seed"]: row["text"] for row in db["articles"].rows}
    for question in every_question(quizzes):
        assert question.passages, question.key
        for passage in question.passages:
            assert passage.quote in texts[passage.article], (question.key, passage.quote)


# --- seeds, repeats, difficulty

@pytest.mark.parametrize("kind", KIND_CHOICES)
def test_a_seed_makes_a_quiz_reproducible(index: SagaIndex, kind: str) -> None:
    first = [question.to_json() for question in generate_quiz(index, 10, "medium", kind, seed=1234)]
    again = [question.to_json() for question in generate_quiz(index, 10, "medium", kind, seed=1234)]
    other = [question.to_json() for question in generate_quiz(index, 10, "medium", kind, seed=4321)]
    assert first == again
    assert first != other


def test_a_question_survives_json_unchanged(quizzes: dict) -> None:
    for question in list(every_question(quizzes))[:500]:
        assert Question.from_json(question.to_json()) == question


def test_no_question_or_event_repeats_within_a_quiz(quizzes: dict) -> None:
    for quiz_list in quizzes.values():
        for quiz in quiz_list:
            assert len({question.key for question in quiz}) == len(quiz)
            asked = [question.event_id for question in quiz if question.event_id]
            assert len(set(asked)) == len(asked)
            # An event whose date a reveal showed is never asked about in the same quiz.
            shown = {event for question in quiz for event in question.related_events}
            assert not shown & set(asked)


def test_recent_questions_are_avoided_while_others_are_left(index: SagaIndex) -> None:
    first = generate_quiz(index, 10, "medium", "mixed", seed=5)
    second = generate_quiz(index, 10, "medium", "mixed", seed=5, avoid={question.key for question in first})
    assert not {question.key for question in first} & {question.key for question in second}
    # With too few questions left, repeats come back rather than an empty quiz.
    figures = generate_quiz(index, 20, "medium", "figures", seed=5)
    again = generate_quiz(index, 20, "medium", "figures", seed=6, avoid={question.key for question in figures})
    assert len(again) == len(figures) == count_available(index, "figures")


def test_a_quiz_never_has_more_questions_than_the_saga_supports(index: SagaIndex) -> None:
    for kind in KIND_CHOICES:
        assert len(generate_quiz(index, 20, "medium", kind, seed=0)) == min(20, count_available(index, kind))


def test_hard_questions_are_more_obscure_than_easy_ones(quizzes: dict) -> None:
    for kind in KINDS:
        easy = mean(q.obscurity for quiz in quizzes[(kind, "easy")] for q in quiz)
        hard = mean(q.obscurity for quiz in quizzes[(kind, "hard")] for q in quiz)
        assert easy <= hard, kind


def test_hard_when_questions_offer_closer_days_than_easy_ones(quizzes: dict) -> None:
    def mean_gap(difficulty: str) -> float:
        gaps = [abs((date.fromisoformat(choice.value) - date.fromisoformat(q.right_choice.value)).days)
                for quiz in quizzes[("when", difficulty)] for q in quiz if len(q.right_choice.value) == 10
                for choice in q.choices if choice is not q.right_choice]
        return mean(gaps)

    assert mean_gap("hard") + 1 < mean_gap("medium") < mean_gap("easy")


def test_hard_order_questions_compare_closer_dates_than_easy_ones(quizzes: dict, db: sqlite_utils.Database) -> None:
    starts = {row["id"]: datetime.fromisoformat(row["date_start"][:16]) for row in db["events"].rows if row["date_start"]}

    def mean_gap(difficulty: str) -> float:
        """Hours between the answer and the other three, on average."""
        gaps = [abs((starts[choice.value] - starts[question.right_choice.value]).total_seconds()) / 3600
                for quiz in quizzes[("order", difficulty)] for question in quiz if question.asked["direction"] != "sequence"
                for choice in question.choices if choice is not question.right_choice]
        return mean(gaps)

    assert mean_gap("hard") < mean_gap("medium") < mean_gap("easy")


def test_order_questions_stay_within_the_saga_days(quizzes: dict, index: SagaIndex) -> None:
    calendar = index.calendar
    for difficulty in ("easy", "medium", "hard"):
        for quiz in quizzes[("order", difficulty)]:
            for question in quiz:
                ids = [question.event_id, *question.related_events]
                dates = [index.events_by_id[event_id].date for event_id in ids]
                assert all(calendar.contains(date.start) and calendar.contains(date.end) for date in dates), question.key


# --- blanks

@pytest.mark.parametrize(("text", "phrases", "expected", "count"), [
    ("OpenAI's board fires Sam Altman.", ["OpenAI board", "board"], "OpenAI's ___ fires Sam Altman.", 1),
    ("Le conseil d’administration d'OpenAI renvoie Altman.", ["le conseil", "conseil d'administration d'OpenAI"],
     "___ renvoie Altman.", 1),
    ("Sam Altman, then Altman again", ["Sam Altman", "Altman", "Sam"], "___, then ___ again", 2),
    ("Samuel is not Sam", ["Sam"], "Samuel is not ___", 1),
    ("Nobody here", ["Altman"], "Nobody here", 0),
])
def test_names_are_blanked_whole_words_and_overlaps_at_once(text: str, phrases: list[str], expected: str, count: int) -> None:
    assert mask_names(text, phrases) == (expected, count)


@pytest.mark.parametrize(("text", "value", "locale", "expected", "count"), [
    ("has worked with OpenAI for four years.", 4, "en", "has worked with OpenAI for ___ years.", 1),
    ("travaille avec OpenAI depuis quatre ans.", 4, "fr", "travaille avec OpenAI depuis ___ ans.", 1),
    ("passes 100 million users", 100_000_000, "en", "passes ___ users", 1),
    ("dépasse les 100 millions d'utilisateurs", 100_000_000, "fr", "dépasse les ___ d'utilisateurs", 1),
    ("sets out a 30-day plan", 30, "en", "sets out a ___-day plan", 1),
    ("priced above $30, 300 or 3.5", 30, "en", "priced above $___, 300 or 3.5", 1),
    ("about an hour", 1, "en", "about an hour", 0),
])
def test_numbers_are_blanked_in_digits_or_words(text: str, value: float, locale: str, expected: str, count: int) -> None:
    assert mask_number(text, value, locale) == (expected, count)


def test_still_names_reads_folded_words() -> None:
    assert still_names("Selon M. ALTMAN, rien", ["M. Altman"])
    assert not still_names("Altmanesque", ["Altman"])
    assert split_words("M. Altman") == ["altman"]


def test_no_when_question_on_a_remark_only_its_article_dates(quizzes: dict, index: SagaIndex) -> None:
    asked = [index.events_by_id[question.event_id] for question in every_question(quizzes) if question.kind == "when"]
    assert asked
    assert not [event.id for event in asked if event.actors and all(actor.startswith("unnamed-") for actor in event.actors)]
