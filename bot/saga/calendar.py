"""The saga's calendar: which date each relative day of the articles means.

Article 001 anchors it: « le vendredi 17 novembre dernier » (2023). The other weekdays the
articles use (« dimanche », « lundi ») are the days around that Friday.
"""
from __future__ import annotations

from datetime import date, timedelta

ANCHOR = date(2023, 11, 17)  # « le vendredi 17 novembre »
WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
}
# The saga week runs from the Friday of the ouster to the Thursday after it.
SAGA_DAYS = tuple(ANCHOR + timedelta(days=offset) for offset in range(7))


def resolve_weekday(word: str) -> date | None:
    """The saga date a weekday name means ('vendredi' → 2023-11-17), or None if it is not one."""
    folded = word.strip().casefold()
    for names in WEEKDAYS.values():
        if folded in names:
            weekday = names.index(folded)
            return next(day for day in SAGA_DAYS if day.weekday() == weekday)
    return None


def name_day(day: date, locale: str) -> str:
    """'vendredi 17 novembre 2023' / 'Friday 17 November 2023'."""
    if locale == "fr":
        months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
        return f"{WEEKDAYS['fr'][day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"
    return day.strftime("%A %-d %B %Y")
