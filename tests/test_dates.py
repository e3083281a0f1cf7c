from __future__ import annotations

from datetime import date

import pytest

from bot.saga.calendar import name_day, resolve_weekday
from bot.saga.dates import DateFormatError, parse_date


@pytest.mark.parametrize(
    ("value", "precision", "start", "end"),
    [
        ("1985", "year", "1985-01-01T00:00", "1985-12-31T23:59"),
        ("2023-05", "month", "2023-05-01T00:00", "2023-05-31T23:59"),
        ("2023-02", "month", "2023-02-01T00:00", "2023-02-28T23:59"),
        ("2023-11-17", "day", "2023-11-17T00:00", "2023-11-17T23:59"),
        ("2023-11-17T12:30-08:00", "minute", "2023-11-17T12:30", "2023-11-17T12:30"),
        ({"earliest": "2023-11-19", "latest": "2023-11-20"}, "range", "2023-11-19T00:00", "2023-11-20T23:59"),
        ({"earliest": "2023-11-20"}, "range", "2023-11-20T00:00", None),
        ({"latest": "2023-11"}, "range", None, "2023-11-30T23:59"),
    ],
)
def test_dates_keep_the_texts_precision(value: object, precision: str, start: str | None, end: str | None) -> None:
    parsed = parse_date(value)
    assert (parsed.precision, parsed.start, parsed.end) == (precision, start, end)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-11-31", "November 2023 has 30 days"),
        ("2023-13", "no month 13"),
        ("2023-11-17T12:30", "without a timezone"),
        ("2023-11-17T25:00-08:00", "impossible time"),
        ("vendredi", "is not a date"),
        ({"earliest": "2023-11-21", "latest": "2023-11-20"}, "comes after latest"),
        ({}, "needs 'earliest', 'latest' or both"),
        ({"earliest": "2023-11-20", "around": "x"}, "only 'earliest' and 'latest'"),
        (17, "expected a date"),
    ],
)
def test_bad_dates_say_what_is_expected(value: object, message: str) -> None:
    with pytest.raises(DateFormatError, match=message):
        parse_date(value)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("vendredi", date(2023, 11, 17)), ("Samedi", date(2023, 11, 18)), ("dimanche", date(2023, 11, 19)),
     ("lundi", date(2023, 11, 20)), ("monday", date(2023, 11, 20)), ("Friday", date(2023, 11, 17)), ("hier", None)],
)
def test_relative_days_resolve_against_the_saga_calendar(word: str, expected: date | None) -> None:
    assert resolve_weekday(word) == expected


def test_anchor_is_a_friday() -> None:
    assert date(2023, 11, 17).weekday() == 4
    assert name_day(date(2023, 11, 17), "fr") == "vendredi 17 novembre 2023"
    assert name_day(date(2023, 11, 20), "en") == "Monday 20 November 2023"
