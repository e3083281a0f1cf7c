"""The moment a question names: « dimanche », "Nov 19", « le 20 novembre », "2023-11-17",
« le week-end », "November 2022", "1985".

Weekday names mean the days of the saga week (bot.saga.calendar, from data/calendar.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..saga.calendar import WEEKDAYS, SagaCalendar, shipped_calendar
from ..saga.dates import DateFormatError, SagaDate, parse_point
from .normalize import fold

MONTHS = {
    **{name: number for number, name in enumerate(
        ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"), 1)},
    **{name: number for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"), 1)},
    "jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "avr": 4, "jun": 6, "jul": 7, "juil": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS["fr"] + WEEKDAYS["en"])

# Tried in order; the first that matches wins. Each gives (year, month, day, time) groups by name.
_PATTERNS = (
    re.compile(r"\b(?P<iso>\d{4}-\d{2}(?:-\d{2}(?:t\d{2}:\d{2}(?:z|[+-]\d{2}:\d{2})?)?)?)\b"),
    re.compile(rf"\b(?:(?P<weekday>{_WEEKDAY})\s+)?(?:le\s+)?(?P<day>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<month>{_MONTH})\.?(?:\s+(?P<year>\d{{4}}))?\b"),
    re.compile(rf"\b(?:(?P<weekday>{_WEEKDAY}),?\s+)?(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?"),
    re.compile(r"\b(?P<day>\d{1,2})/(?P<monthnumber>\d{1,2})(?:/(?P<year>\d{2,4}))?\b"),
    re.compile(rf"\b(?P<weekday>{_WEEKDAY})(?:\s+(?P<weekdaynumber>\d{{1,2}}))?\b"),
    re.compile(r"\b(?P<weekend>week-?\s?end)\b"),
    re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b"),
    re.compile(r"\b(?:in|en)\s+(?P<year>(?:19|20)\d{2})\b"),
)


@dataclass(frozen=True)
class Moment:
    """A moment named in a text, and the text without it."""

    date: SagaDate
    rest: str
    span: tuple[int, int]


def find_moment(text: str, calendar: SagaCalendar | None = None) -> Moment | None:
    """The first moment `text` names, or None; the rest of the text is kept for the other matchers."""
    folded = fold(text)
    for pattern in _PATTERNS:
        match = pattern.search(folded)
        if match is None:
            continue
        date = _build_date(match.groupdict(), calendar or shipped_calendar())
        if date is not None:
            return Moment(date, (folded[: match.start()] + " " + folded[match.end():]).strip(), match.span())
    return None


def parse_moment(text: str, calendar: SagaCalendar | None = None) -> SagaDate | None:
    """The moment `text` names when it names nothing else ("dimanche", "2023-11-19"), else None."""
    moment = find_moment(text, calendar)
    if moment is None or re.sub(r"\b(le|the|on|at|du|en|in)\b|[^\w]", "", moment.rest):
        return None
    return moment.date


def _build_date(groups: dict[str, str | None], calendar: SagaCalendar) -> SagaDate | None:
    try:
        if iso := groups.get("iso"):
            return parse_point(iso.upper().replace("Z", "+00:00") if "t" in iso else iso)
        if groups.get("weekend"):
            return calendar.weekend
        year_text, month_number = groups.get("year"), groups.get("monthnumber")
        day_number, weekday = groups.get("day"), groups.get("weekday")
        year = int(year_text) if year_text else calendar.anchor.year
        if year < 100:
            year += 2000
        month = MONTHS.get(groups.get("month") or "") or (int(month_number) if month_number else None)
        if day_number and month:
            return parse_point(f"{year:04d}-{month:02d}-{int(day_number):02d}")
        if weekday:
            day = calendar.resolve_weekday(weekday)
            return parse_point(day.isoformat()) if day else None
        if month and year_text:
            return parse_point(f"{year:04d}-{month:02d}")
        if year_text:
            return parse_point(f"{year:04d}")
    except DateFormatError:
        return None
    return None
