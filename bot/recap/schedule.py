"""When a daily recap is due: a local time of day (HH:MM) in an IANA timezone, turned into UTC
instants with `zoneinfo`, right across daylight-saving changes.

- A local time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) posts
  at the first instant that exists after it: the moment the clocks jump (03:00).
- A local time that happens twice (01:30 when clocks fall back) posts once, at the first.
- Catch-up: a subscription remembers up to which instant it has been handled. Its next due
  time is the first occurrence after that; if the bot was down, that occurrence is in the past
  and the subscription is due at once — and handling it moves the mark to the *latest* past
  occurrence, so a long downtime yields one post, not one per missed day.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME = time(9, 0)
DEFAULT_TIMEZONE = "Europe/Paris"
# An anniversary comes once a year: look a little over a year ahead (or back) for the next one.
SEARCH_DAYS = 372
DayFilter = Callable[[date], bool]

_TIME = re.compile(r"^\s*(?P<hour>\d{1,2})\s*(?:[:h]\s*(?P<minute>\d{2})?)?\s*$", re.IGNORECASE)


def parse_time_of_day(text: str) -> time | None:
    """'09:00', '9:00', '18h30', '18h' → a time; anything else → None."""
    match = _TIME.match(text or "")
    if match is None or (":" in text and match["minute"] is None):
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def format_time_of_day(at: time) -> str:
    """'09:00': how a subscription's time is stored and shown."""
    return f"{at.hour:02d}:{at.minute:02d}"


def load_timezone(name: str) -> ZoneInfo | None:
    """The IANA timezone `name` ('Europe/Paris'), or None if there is no such zone."""
    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def resolve_local_time(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of the local time `at` on `day` in `zone`.

    Ambiguous (clocks fall back): the first of the two instants. Nonexistent (clocks jump
    forward over it): the first instant after it that exists, i.e. the jump itself.
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap, fold=0 reads the wall time with the offset before the jump and fold=1 with the
    # offset after it (PEP 495): the jump lies between the two readings. Find it to the second.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(first, other), max(first, other)
    while (high - low) > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def find_next_occurrence(at: time, zone: ZoneInfo, after: datetime, accept: DayFilter | None = None) -> datetime | None:
    """The first instant strictly after `after` at local time `at` in `zone`, on a day `accept`
    allows (every day by default); None if no day within a year qualifies."""
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(SEARCH_DAYS + 2):
        day = start + timedelta(days=offset)
        if accept is not None and not accept(day):
            continue
        instant = resolve_local_time(day, at, zone)
        if instant > after:
            return instant
    return None


def find_last_occurrence(at: time, zone: ZoneInfo, until: datetime, accept: DayFilter | None = None) -> datetime | None:
    """The latest instant at or before `until` at local time `at` in `zone`, on an accepted day."""
    start = until.astimezone(zone).date() + timedelta(days=1)
    for offset in range(SEARCH_DAYS + 2):
        day = start - timedelta(days=offset)
        if accept is not None and not accept(day):
            continue
        instant = resolve_local_time(day, at, zone)
        if instant <= until:
            return instant
    return None


def compute_due_time(at: time, zone: ZoneInfo, handled_until: datetime, accept: DayFilter | None = None) -> datetime | None:
    """When a subscription handled up to `handled_until` is next due. A result in the past
    means it is due now (catch-up after downtime)."""
    return find_next_occurrence(at, zone, handled_until, accept)


def compute_handled_mark(at: time, zone: ZoneInfo, now: datetime, accept: DayFilter | None = None) -> datetime:
    """Where to move a subscription's mark once it is handled at `now`: past every occurrence
    that has already come, so missed days are not posted one by one."""
    return find_last_occurrence(at, zone, now, accept) or now


def describe_local(instant: datetime, zone: ZoneInfo) -> tuple[date, time]:
    """The local day and time of `instant` in `zone` (to word it)."""
    local = instant.astimezone(zone)
    return local.date(), local.time().replace(second=0, microsecond=0)
