"""Next-due times of a daily recap: local HH:MM in an IANA timezone, across timezones and
daylight-saving changes (nonexistent times post at the jump, ambiguous ones once), and the
catch-up mark that turns a long downtime into one post."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from bot.recap.schedule import (compute_due_time, compute_handled_mark, find_last_occurrence, find_next_occurrence,
                                load_timezone, parse_time_of_day, resolve_local_time)

UTC = UTC


def read_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("zone", "day", "clock", "expected_utc", "expected_local"), [
    # ordinary days
    ("Europe/Paris", "2024-01-15", "09:00", "2024-01-15T08:00+00:00", "09:00+01:00"),
    ("Europe/Paris", "2024-07-15", "09:00", "2024-07-15T07:00+00:00", "09:00+02:00"),
    ("America/Los_Angeles", "2024-01-15", "09:00", "2024-01-15T17:00+00:00", "09:00-08:00"),
    ("Asia/Kolkata", "2024-03-31", "09:00", "2024-03-31T03:30+00:00", "09:00+05:30"),
    ("Australia/Lord_Howe", "2024-07-01", "09:00", "2024-06-30T22:30+00:00", "09:00+10:30"),
    # spring forward: the local time does not exist; it posts when the clocks jump
    ("Europe/Paris", "2024-03-31", "02:30", "2024-03-31T01:00+00:00", "03:00+02:00"),
    ("America/Los_Angeles", "2024-03-10", "02:30", "2024-03-10T10:00+00:00", "03:00-07:00"),
    ("Australia/Lord_Howe", "2024-10-06", "02:15", "2024-10-05T15:30+00:00", "02:30+11:00"),  # a 30-minute jump
    # the same days, at a time that exists
    ("Europe/Paris", "2024-03-31", "09:00", "2024-03-31T07:00+00:00", "09:00+02:00"),
    ("Australia/Lord_Howe", "2024-10-06", "09:00", "2024-10-05T22:00+00:00", "09:00+11:00"),
    # fall back: the local time happens twice; the first one
    ("Europe/Paris", "2024-10-27", "02:30", "2024-10-27T00:30+00:00", "02:30+02:00"),
    ("America/Los_Angeles", "2024-11-03", "01:30", "2024-11-03T08:30+00:00", "01:30-07:00"),
    ("Australia/Lord_Howe", "2024-04-07", "01:45", "2024-04-06T14:45+00:00", "01:45+11:00"),
])
def test_a_local_time_is_one_instant_even_across_daylight_saving(zone: str, day: str, clock: str, expected_utc: str,
                                                                 expected_local: str) -> None:
    tz = load_timezone(zone)
    assert tz is not None
    instant = resolve_local_time(date.fromisoformat(day), parse_time_of_day(clock), tz)
    assert instant == read_utc(expected_utc)
    local = instant.astimezone(tz)
    assert f"{local:%H:%M}{local:%z}"[:-2] + ":" + f"{local:%z}"[-2:] == expected_local


@pytest.mark.parametrize(("zone", "clock", "first_day", "days"), [
    ("Europe/Paris", "02:30", "2024-03-29", 5),
    ("Europe/Paris", "02:30", "2024-10-25", 5),
    ("America/Los_Angeles", "01:30", "2024-11-01", 5),
    ("America/Los_Angeles", "02:30", "2024-03-08", 5),
    ("Australia/Lord_Howe", "01:45", "2024-04-05", 5),
    ("Australia/Lord_Howe", "02:15", "2024-10-04", 5),
    ("Asia/Kolkata", "00:00", "2024-03-29", 5),
])
def test_walking_from_occurrence_to_occurrence_gives_one_post_per_local_day(zone: str, clock: str, first_day: str, days: int) -> None:
    tz = load_timezone(zone)
    assert tz is not None
    at = parse_time_of_day(clock)
    start = resolve_local_time(date.fromisoformat(first_day), at, tz) - timedelta(seconds=1)
    instants = []
    current = start
    for _ in range(days):
        current = find_next_occurrence(at, tz, current)
        instants.append(current)
    local_days = [instant.astimezone(tz).date() for instant in instants]
    expected = [date.fromisoformat(first_day) + timedelta(days=offset) for offset in range(days)]
    assert local_days == expected  # never twice a day (fall back), never a day skipped (spring forward)
    assert all(later > earlier for earlier, later in pairwise(instants))
    # about a day apart (23 or 25 hours around a change, 23.75 after a post moved to the jump), never 0 or 48
    gaps = [(later - earlier).total_seconds() / 3600 for earlier, later in pairwise(instants)]
    assert all(22.5 <= gap <= 25.5 for gap in gaps), gaps


def test_the_second_pass_of_an_ambiguous_time_is_not_a_new_occurrence() -> None:
    tz = load_timezone("Europe/Paris")
    first = resolve_local_time(date(2024, 10, 27), time(2, 30), tz)
    second = first + timedelta(hours=1)  # 02:30 again, in winter time
    assert second.astimezone(tz).strftime("%H:%M") == "02:30"
    assert find_next_occurrence(time(2, 30), tz, first) == resolve_local_time(date(2024, 10, 28), time(2, 30), tz)
    assert find_last_occurrence(time(2, 30), tz, second) == first


def test_the_next_due_time_is_strictly_after_the_mark() -> None:
    tz = load_timezone("Europe/Paris")
    nine = resolve_local_time(date(2024, 5, 6), time(9), tz)
    assert compute_due_time(time(9), tz, nine - timedelta(minutes=1)) == nine
    assert compute_due_time(time(9), tz, nine) == nine + timedelta(days=1)


def test_after_downtime_the_mark_jumps_past_every_missed_day() -> None:
    tz = load_timezone("America/Los_Angeles")
    handled = read_utc("2024-11-01T16:00+00:00")  # the Friday post (09:00 PDT) is done
    now = read_utc("2024-11-05T20:00+00:00")  # back on Tuesday afternoon: Sat, Sun, Mon, Tue missed
    due = compute_due_time(time(9), tz, handled)
    assert due == read_utc("2024-11-02T16:00+00:00") and due < now  # due at once
    mark = compute_handled_mark(time(9), tz, now)
    assert mark == read_utc("2024-11-05T17:00+00:00")  # Tuesday 09:00 PST: one post covers the downtime
    assert compute_due_time(time(9), tz, mark) == read_utc("2024-11-06T17:00+00:00")


def test_a_day_filter_skips_to_the_next_accepted_day() -> None:
    tz = load_timezone("Asia/Kolkata")
    saga_days = {(11, 17), (11, 19), (11, 20)}

    def accept(day: date) -> bool:
        return (day.month, day.day) in saga_days

    after = read_utc("2025-03-01T00:00+00:00")
    assert compute_due_time(time(9), tz, after, accept) == read_utc("2025-11-17T03:30+00:00")
    assert compute_due_time(time(9), tz, read_utc("2025-11-17T03:30+00:00"), accept) == read_utc("2025-11-19T03:30+00:00")
    assert find_next_occurrence(time(9), tz, after, lambda day: False) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("09:00", time(9)), ("9:00", time(9)), ("18h30", time(18, 30)), ("18h", time(18)), (" 7:05 ", time(7, 5)), ("0:00", time(0)),
    ("24:00", None), ("12:60", None), ("noon", None), ("", None), ("9:", None), ("12:3", None),
])
def test_times_of_day_are_read_on_24_hours(text: str, expected: time | None) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(("name", "known"), [
    ("Europe/Paris", True), ("America/Los_Angeles", True), ("Australia/Lord_Howe", True), ("UTC", True),
    ("Mars/Olympus_Mons", False), ("", False), ("../../etc/passwd", False), ("/etc/localtime", False), (" Europe/Paris", False),
])
def test_timezones_are_iana_names(name: str, known: bool) -> None:
    assert (load_timezone(name) is not None) is known
