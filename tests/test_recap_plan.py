"""Which replay post tells each event: every event once, on the last day it may have happened
(a range on the day it ends), the background in the closing post, what runs past the last day in
the post after it; quiet days told together, never buried in a busy one; turning points first."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.answering.index import SagaIndex, load_index
from bot.recap.plan import MAX_EVENTS_PER_MERGE, MIN_EVENTS_PER_POST, find_last_day, plan_replay
from bot.saga.dates import parse_date

from .conftest import make_events, remake_index


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def list_days(plan_index: SagaIndex) -> list[list[int]]:
    return [[day.day for day in step.days] for step in plan_replay(plan_index).steps if not step.after]


def test_the_saga_is_told_friday_then_the_weekend_then_monday_then_what_came_after(index: SagaIndex) -> None:
    plan = plan_replay(index)
    assert [[day.isoformat() for day in step.days] for step in plan.steps] == [
        ["2023-11-17"], ["2023-11-18", "2023-11-19"], ["2023-11-20"], ["2023-11-21"]]
    assert [step.after for step in plan.steps] == [False, False, False, True]
    assert plan.last_day == date(2023, 11, 20) and plan.first_day == date(2023, 11, 17)
    # Monday is no longer buried under a quiet weekend (it was: Saturday to Monday, 24 bullets)
    assert all(len(step.events) <= MAX_EVENTS_PER_MERGE for step in plan.steps if len(step.days) > 1)


@pytest.mark.parametrize(("event_id", "day"), [
    ("shear-named-interim-ceo", "2023-11-20"),  # « entre dimanche 19 et lundi 20 »: Monday, by then it had happened
    ("weekend-negotiations-altman-return", "2023-11-19"),  # the weekend: Sunday's post
    ("board-reconsidered-ouster", "2023-11-19"),  # between Friday 17 and Sunday 19
    ("microsoft-assured-positions", "2023-11-20"),  # between Friday 17 and Monday 20
    ("board-fires-altman", "2023-11-17"),  # a day is its own day
    ("brockman-resigns", "2023-11-17"),  # so is a time
])
def test_an_event_is_told_on_the_last_day_it_may_have_happened(index: SagaIndex, event_id: str, day: str) -> None:
    step = plan_replay(index).find_step(date.fromisoformat(day))
    assert step is not None and event_id in {event.id for event in step.events}
    assert find_last_day(index.events_by_id[event_id]) == date.fromisoformat(day)


@pytest.mark.parametrize(("event_id", "where"), [
    ("altman-brockman-return", "after"),  # between Monday 20 and Thursday 30: past the last dated day
    ("shear-30-day-plan", "after"),  # on or after Sunday 19: open
    ("apple-fires-jobs-1985", "closing"),  # the background
    ("microsoft-openai-partnership", "closing"),  # began before the saga, runs past it
])
def test_what_has_no_day_of_the_replay_goes_after_it_or_to_the_closing_post(index: SagaIndex, event_id: str, where: str) -> None:
    plan = plan_replay(index)
    after = {event.id for step in plan.steps if step.after for event in step.events}
    closing = {event.id for event in plan.closing}
    assert (event_id in after, event_id in closing) == (where == "after", where == "closing")


def test_every_event_has_exactly_one_place(index: SagaIndex) -> None:
    plan = plan_replay(index)
    placed = Counter(event.id for step in plan.steps for event in step.events) + Counter(event.id for event in plan.closing)
    assert set(placed) == {event.id for event in index.events} and set(placed.values()) == {1}


@pytest.mark.parametrize(("counts", "expected"), [
    # quiet days join the next and a quiet end joins the day before, while the post stays short
    ({"2023-11-17": 5, "2023-11-18": 1, "2023-11-20": 1, "2023-11-21": 4, "2023-11-22": 1}, [[17], [18, 19, 20, 21, 22]]),
    # a quiet day before a busy one is told on its own, not buried in it
    ({"2023-11-17": 5, "2023-11-19": 1, "2023-11-20": 28}, [[17], [18, 19], [20]]),
    # a day with nothing joins the next when that stays short…
    ({"2023-11-17": 4, "2023-11-19": 4}, [[17], [18, 19]]),
    # … and no post tells it when the next is busy
    ({"2023-11-17": 4, "2023-11-19": MAX_EVENTS_PER_MERGE + 1}, [[17], [19]]),
])
def test_quiet_days_are_told_together_and_never_buried_in_a_busy_one(index: SagaIndex, counts: dict[str, int],
                                                                     expected: list[list[int]]) -> None:
    made = remake_index(index, make_events(index, counts, "board-thanks-altman"))
    assert list_days(made) == expected
    steps = plan_replay(made).steps
    assert all(len(step.events) <= MAX_EVENTS_PER_MERGE for step in steps if len(step.days) > 1)
    assert sum(len(step.events) for step in steps) == sum(counts.values())  # every event told, none twice


def test_a_long_run_of_quiet_days_is_cut_into_short_posts(index: SagaIndex) -> None:
    counts = {"2023-11-17": 4, **{f"2023-11-{day}": MIN_EVENTS_PER_POST - 1 for day in range(18, 29)}, "2023-11-29": 4}
    made = remake_index(index, make_events(index, counts, "board-thanks-altman"))
    merged = [step for step in plan_replay(made).steps if len(step.days) > 1]
    assert len(merged) >= 2 and all(len(step.events) <= MAX_EVENTS_PER_MERGE for step in merged)
    assert sum(len(step.events) for step in plan_replay(made).steps) == sum(counts.values())


def test_a_range_ending_in_the_replay_goes_on_its_last_day(index: SagaIndex) -> None:
    ranged = replace(index.events_by_id["board-thanks-altman"], id="made-range", date=parse_date({"earliest": "2023-11-18",
                                                                                                   "latest": "2023-11-19"}))
    made = remake_index(index, [*make_events(index, {"2023-11-17": 3, "2023-11-19": 3}, "board-thanks-altman"), ranged])
    sunday = plan_replay(made).find_step(date(2023, 11, 19))
    assert sunday is not None and "made-range" in {event.id for event in sunday.events}


def test_turning_points_lead_each_post_in_time_order(index: SagaIndex) -> None:
    for events in [step.events for step in plan_replay(index).steps] + [plan_replay(index).closing]:
        keys = [event.key for event in events]
        assert keys == sorted(keys, reverse=True)  # every turning point before the rest
        turning = [event for event in events if event.key]
        assert [event.date.start or "" for event in turning] == sorted(event.date.start or "" for event in turning)
    friday, _, monday, _ = plan_replay(index).steps
    assert friday.events[0].id == "board-fires-altman"  # the firing leads the day it opened
    assert monday.events[0].id == "shear-named-interim-ceo"  # between Sunday 19 and Monday 20: before Monday's own
