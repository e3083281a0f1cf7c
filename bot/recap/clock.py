"""Time as the recap machinery sees it: the wall clock (aware UTC) to know what is due, a
monotonic clock to pace requests, and a way to sleep.

Everything that waits takes a `Clock`, so tests and the console's `--now` run the scheduler
and the pacer in simulated time (`ManualClock`) instead of waiting for real.
"""
from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for pacing)."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """Simulated time: `sleep` returns at once, having moved the clock to the wake-up time.

    Several coroutines may sleep at once: each moves the clock to *its own* wake-up time if that
    is later than now, never adding their sleeps together, so time advances as it would for
    concurrent sleepers (the latest wake-up wins) and never goes back.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._epoch = self._now

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return (self._now - self._epoch).total_seconds()

    async def sleep(self, seconds: float) -> None:
        # Rounded up to the microsecond (a datetime's grain): a sleep never ends early, so a
        # waiter never finds itself a hair short and sleeping for nothing, for ever.
        wake = self._now + timedelta(microseconds=math.ceil(max(0.0, seconds) * 1_000_000))
        # Let the other coroutines run first, as a real sleep would.
        await asyncio.sleep(0)
        self.advance_to(wake)

    def advance_to(self, moment: datetime) -> None:
        """Move the clock forward to `moment` (never back)."""
        moment = moment.astimezone(UTC)
        if moment > self._now:
            self._now = moment

    def advance(self, seconds: float) -> None:
        self.advance_to(self._now + timedelta(seconds=seconds))
