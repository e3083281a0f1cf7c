"""Dates at the precision the articles give: a year, a month, a day, a time with its
timezone, or a range when the articles do not pin it.

Every date also gets a `start` and an `end`, the first and last minute it may denote, as
naive ISO strings in the local time the text names ("2023-11-17T12:30-08:00" starts and ends
at "2023-11-17T12:30"). They order events and decide which role holder a moment falls on.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any, Literal

Precision = Literal["year", "month", "day", "minute", "range"]

_POINT = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})"
    r"(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
EXAMPLES = '"2023", "2023-11", "2023-11-17", "2023-11-17T12:30-08:00" or {earliest: "2023-11-19", latest: "2023-11-20"}'


class DateFormatError(ValueError):
    """A date the data cannot hold; the message says what is expected."""


@dataclass(frozen=True)
class SagaDate:
    """A date as precise as the text: `iso` is what the data says, `start`/`end` its bounds."""

    iso: str
    precision: Precision
    start: str | None
    end: str | None

    @property
    def earliest(self) -> str | None:
        return self.start

    @property
    def latest(self) -> str | None:
        return self.end

    @property
    def is_range(self) -> bool:
        return self.precision == "range"

    def sort_key(self) -> str:
        """Orders dates by their first possible minute (open starts by their end)."""
        return self.start or self.end or ""


def parse_point(text: str) -> SagaDate:
    """Parse one ISO 8601 date at year, month, day or minute precision."""
    match = _POINT.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise DateFormatError(f"{text!r} is not a date; expected ISO 8601 at the text's precision: {EXAMPLES}")
    year = int(match["year"])
    if match["month"] is None:
        return SagaDate(text, "year", f"{year:04d}-01-01T00:00", f"{year:04d}-12-31T23:59")
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise DateFormatError(f"{text!r} has no month {month}; months go from 01 to 12")
    last_day = calendar.monthrange(year, month)[1]
    if match["day"] is None:
        return SagaDate(text, "month", f"{year:04d}-{month:02d}-01T00:00", f"{year:04d}-{month:02d}-{last_day:02d}T23:59")
    day = int(match["day"])
    if not 1 <= day <= last_day:
        raise DateFormatError(f"{text!r} is impossible: {calendar.month_name[month]} {year} has {last_day} days")
    stem = f"{year:04d}-{month:02d}-{day:02d}"
    if match["hour"] is None:
        return SagaDate(text, "day", f"{stem}T00:00", f"{stem}T23:59")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise DateFormatError(f"{text!r} has an impossible time {hour:02d}:{minute:02d}")
    if match["tz"] is None:
        raise DateFormatError(
            f"{text!r} is a time without a timezone; add the one the text names, e.g. \"{stem}T{hour:02d}:{minute:02d}-08:00\" for Pacific time"
        )
    moment = f"{stem}T{hour:02d}:{minute:02d}"
    return SagaDate(text, "minute", moment, moment)


def parse_date(value: Any) -> SagaDate:
    """Parse a date of the data: an ISO string, or a mapping with `earliest` and/or `latest`."""
    if isinstance(value, str):
        return parse_point(value)
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"earliest", "latest"})
        if unknown:
            raise DateFormatError(f"a date range takes only 'earliest' and 'latest', not {', '.join(map(str, unknown))}")
        earliest = parse_point(value["earliest"]) if value.get("earliest") is not None else None
        latest = parse_point(value["latest"]) if value.get("latest") is not None else None
        if earliest is None and latest is None:
            raise DateFormatError(f"a date range needs 'earliest', 'latest' or both: {EXAMPLES}")
        if earliest and latest and earliest.start and latest.end and earliest.start > latest.end:
            raise DateFormatError(f"the range is impossible: earliest {earliest.iso} comes after latest {latest.iso}")
        iso = "/".join(bound.iso if bound else ".." for bound in (earliest, latest))
        return SagaDate(iso, "range", earliest.start if earliest else None, latest.end if latest else None)
    raise DateFormatError(f"expected a date: {EXAMPLES}")
