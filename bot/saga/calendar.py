"""The saga's calendar: which date each relative day of the articles means.

The dates themselves are data (`data/calendar.yaml`: the anchor day and the passage that gives
it, the saga's own span, the weekend), checked by `data check` and stored in the saga
database's `calendar` table. The other weekdays the articles use (« dimanche », « lundi »)
are the days of the week that starts at the anchor.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from .dates import SagaDate, parse_date

WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
}
CALENDAR_FILE = "calendar.yaml"


@dataclass(frozen=True)
class SagaCalendar:
    """The anchor day, the saga's span and its weekend."""

    anchor: date
    span: SagaDate
    weekend: SagaDate

    @property
    def days(self) -> tuple[date, ...]:
        """The week from the anchor: the days a weekday name can mean."""
        return tuple(self.anchor + timedelta(days=offset) for offset in range(7))

    def resolve_weekday(self, word: str) -> date | None:
        """The saga date a weekday name means ('vendredi' → the anchor Friday), or None."""
        folded = word.strip().casefold()
        for names in WEEKDAYS.values():
            if folded in names:
                weekday = names.index(folded)
                return next(day for day in self.days if day.weekday() == weekday)
        return None

    def contains(self, minute: str) -> bool:
        """Is this moment ('2023-11-19T00:00') within the saga's own span?"""
        return bool(self.span.start and self.span.end and self.span.start <= minute <= self.span.end)


def load_calendar(db: sqlite_utils.Database) -> SagaCalendar:
    """The calendar `data build` stored."""
    rows = {row["key"]: row["date"] for row in db["calendar"].rows}
    return _make_calendar(rows["anchor"], rows["span"], rows["weekend"])


def read_calendar_file(data_dir: Path) -> SagaCalendar:
    """The calendar straight from `data/calendar.yaml`, for code that runs without the database."""
    import yaml

    raw = yaml.safe_load((data_dir / CALENDAR_FILE).read_text(encoding="utf-8"))
    return _make_calendar(raw["anchor"], raw["span"], raw["weekend"])


def _make_calendar(anchor: object, span: object, weekend: object) -> SagaCalendar:
    return SagaCalendar(date.fromisoformat(str(anchor)[:10]), _as_date(span), _as_date(weekend))


def _as_date(value: object) -> SagaDate:
    """A date as stored ('2023-11-17/2023-11-30') or as written in YAML ({earliest, latest})."""
    if isinstance(value, str) and "/" in value:
        first, last = value.split("/", 1)
        return parse_date({"earliest": None if first == ".." else first, "latest": None if last == ".." else last})
    return parse_date(value)


@lru_cache(maxsize=1)
def shipped_calendar() -> SagaCalendar:
    """The calendar of the project's own data/, for the quiz and recap modules that date posts
    before any database is open."""
    from ..settings import Settings

    return read_calendar_file(Settings.from_environment().data_dir)


if TYPE_CHECKING:  # what __getattr__ below gives, declared for type checkers only
    ANCHOR: date
    SAGA_DAYS: tuple[date, ...]


def __getattr__(name: str) -> object:
    # ANCHOR and SAGA_DAYS, as the quiz and recap modules import them, come from the data.
    if name == "ANCHOR":
        return shipped_calendar().anchor
    if name == "SAGA_DAYS":
        return shipped_calendar().days
    raise AttributeError(name)


def resolve_weekday(word: str) -> date | None:
    """The saga date a weekday name means, in the shipped calendar."""
    return shipped_calendar().resolve_weekday(word)


def name_day(day: date, locale: str) -> str:
    """'vendredi 17 novembre 2023' / 'Friday 17 November 2023'."""
    if locale == "fr":
        months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
        return f"{WEEKDAYS['fr'][day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"
    return day.strftime("%A %-d %B %Y")
