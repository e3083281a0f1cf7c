"""The background loops' supervisor: a failing loop is logged and started again, after a pause
that grows while it keeps failing, and the heartbeat says how it is doing."""
from __future__ import annotations

import asyncio
import logging

import pytest

from bot.supervisor import MAX_DELAY, STEADY_SECONDS, Supervisor


class FakeTime:
    """A clock and a sleep that only move when the supervisor sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_a_failing_loop_is_restarted_with_a_growing_pause(caplog: pytest.LogCaptureFixture) -> None:
    time = FakeTime()
    supervisor = Supervisor(logging.getLogger("test.loops"), sleep=time.sleep, clock=time.clock)
    calls: list[int] = []
    healthy = asyncio.Event()

    async def loop() -> None:
        calls.append(len(calls))
        if len(calls) <= 4:
            raise OSError("database or disk is full")
        healthy.set()
        await asyncio.Event().wait()  # runs on, as a real loop does

    with caplog.at_level(logging.ERROR, logger="test.loops"):
        supervisor.start("quiz driver", loop)
        await asyncio.wait_for(healthy.wait(), 5)
    assert time.pauses == [1.0, 2.0, 4.0, 8.0]
    assert supervisor.report()["quiz driver"] == {"running": True, "restarts": 4, "last_error": "OSError: database or disk is full"}
    assert sum("the quiz driver failed" in record.getMessage() for record in caplog.records) == 4
    assert all(record.exc_info for record in caplog.records)
    supervisor.stop("quiz driver")
    assert "quiz driver" not in supervisor.report()


async def test_the_pause_stops_growing_and_starts_over_after_a_steady_run() -> None:
    time = FakeTime()
    supervisor = Supervisor(logging.getLogger("test.loops"), sleep=time.sleep, clock=time.clock)
    done = asyncio.Event()

    async def loop() -> None:
        if len(time.pauses) == 10:
            time.now += STEADY_SECONDS  # a long, healthy run before this failure
        if len(time.pauses) >= 12:
            done.set()
            await asyncio.Event().wait()
        raise RuntimeError("locked")

    task = supervisor.start("recap scheduler", loop)
    await asyncio.wait_for(done.wait(), 5)
    assert max(time.pauses[:10]) == MAX_DELAY and time.pauses[10] == 1.0 and time.pauses[11] == 2.0
    supervisor.stop("recap scheduler")
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_loop_that_returns_is_started_again() -> None:
    time = FakeTime()
    supervisor = Supervisor(logging.getLogger("test.loops"), sleep=time.sleep, clock=time.clock)
    runs: list[None] = []
    again = asyncio.Event()

    async def loop() -> None:
        runs.append(None)
        if len(runs) == 2:
            again.set()
            await asyncio.Event().wait()

    supervisor.start("loop", loop)
    await asyncio.wait_for(again.wait(), 5)
    assert len(runs) == 2 and supervisor.report()["loop"]["last_error"] is None
    supervisor.stop("loop")
