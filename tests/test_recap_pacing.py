"""The pacer: 1,000 sends against a simulated clock stay under 50 per second in every
one-second window, one route keeps to its own bucket, and Discord's headers and 429s hold
what they say."""
from __future__ import annotations

import asyncio
from bisect import bisect_left
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from bot.recap.clock import ManualClock, SystemClock
from bot.recap.pacing import GLOBAL_BURST, GLOBAL_RATE, Pacer

START = datetime(2025, 1, 1, tzinfo=UTC)


def count_busiest_second(times: list[float]) -> int:
    """The most requests in any one-second window [t, t + 1)."""
    ordered = sorted(times)
    return max(bisect_left(ordered, start + 1.0) - index for index, start in enumerate(ordered))


async def fan_out(pacer: Pacer, clock: ManualClock, routes: list[str], workers: int = 25) -> list[float]:
    queue = list(routes)
    times: list[float] = []

    async def work() -> None:
        while queue:
            route = queue.pop(0)
            await pacer.acquire(route)
            times.append(clock.monotonic())

    await asyncio.gather(*(work() for _ in range(workers)))
    return times


async def test_a_thousand_sends_stay_under_50_per_second() -> None:
    clock = ManualClock(START)
    times = await fan_out(Pacer(clock), clock, [f"channel:{number}" for number in range(1000)])
    assert len(times) == 1000
    assert count_busiest_second(times) < 50
    elapsed = max(times) - min(times)
    assert 20.0 <= elapsed <= 1000 / GLOBAL_RATE + 1  # not faster than Discord allows, not much slower
    assert count_busiest_second(times) <= GLOBAL_BURST + GLOBAL_RATE


async def test_one_route_keeps_to_its_own_bucket() -> None:
    clock = ManualClock(START)
    times = await fan_out(Pacer(clock), clock, ["channel:1"] * 10, workers=3)
    assert times[:3] == [0.0] * 3 and times[4] < 0.1  # the route's burst of 5 (the global burst is 3)
    assert times[5] == pytest.approx(1.0, abs=1e-3)
    gaps = [later - earlier for earlier, later in pairwise(times[5:])]
    assert all(gap == pytest.approx(1.0, abs=1e-3) for gap in gaps)  # then one a second


async def test_an_exhausted_route_waits_for_its_reset() -> None:
    clock = ManualClock(START)
    pacer = Pacer(clock)
    await pacer.acquire("channel:7")
    pacer.observe("channel:7", remaining=0, reset_after=4.0)
    await pacer.acquire("channel:8")  # other routes are not held
    assert clock.monotonic() < 0.1
    await pacer.acquire("channel:7")
    assert clock.monotonic() == pytest.approx(4.0)


async def test_a_global_429_holds_every_route() -> None:
    clock = ManualClock(START)
    pacer = Pacer(clock)
    pacer.hold(3.0)
    await pacer.acquire("channel:1")
    assert clock.monotonic() == pytest.approx(3.0)
    pacer.hold(2.0, "channel:2")
    await pacer.acquire("channel:3")
    assert clock.monotonic() == pytest.approx(3.0, abs=0.1)
    await pacer.acquire("channel:2")
    assert clock.monotonic() == pytest.approx(5.0)


def test_rates_must_make_sense() -> None:
    with pytest.raises(ValueError):
        Pacer(ManualClock(START), rate=0)
    with pytest.raises(ValueError):
        Pacer(ManualClock(START), burst=0.5)


async def test_a_held_route_does_not_stall_the_others() -> None:
    # Real time (0.3 s): the simulated clock jumps to whichever sleeper runs first, which says
    # nothing about who waits for whom.
    clock = SystemClock()
    pacer = Pacer(clock)
    pacer.hold(0.3, "channel:1")
    start = clock.monotonic()
    times: dict[str, float] = {}

    async def send(route: str) -> None:
        await pacer.acquire(route)
        times[route] = clock.monotonic() - start

    await asyncio.gather(send("channel:1"), *(send(f"channel:{number}") for number in range(2, 6)))
    assert all(times[f"channel:{number}"] < 0.2 for number in range(2, 6)), times
    assert times["channel:1"] >= 0.3
