"""How fast a thousand recaps due in the same minute go out, in real time, through the real
scheduler and pacer (compose, at-most-once ledger in SQLite, token buckets, retries), against
an in-process stand-in for Discord that refuses any request beyond 50 in a second with a 429.

    .venv/bin/python benchmarks/bench_recap_fanout.py [--count 1000] [--latency-ms 40]

Discord's global limit makes 1,000 / 50 = 20 s the floor. Goal (issue #6): every post delivered,
zero 429s. This is a report, not a test: it never fails.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bot.answering.index import load_index
from bot.curation.build import build_database
from bot.recap.delivery import SendResult
from bot.recap.posts import Post
from bot.recap.scheduler import RecapScheduler
from bot.recap.store import MIGRATIONS, save_subscription
from bot.storage import open_state

LIMIT_PER_SECOND = 50


class LimitedDiscord:
    """Answers after `latency` seconds; a request beyond 50 in the last second gets a 429."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.recent: deque[float] = deque()
        self.accepted: list[float] = []
        self.rejected = 0
        self.done = asyncio.Event()
        self.expected = 0

    async def send(self, channel_id: int, post: Post, nonce: str) -> SendResult:
        arrived = time.monotonic()
        while self.recent and self.recent[0] <= arrived - 1.0:
            self.recent.popleft()
        if len(self.recent) >= LIMIT_PER_SECOND:
            self.rejected += 1
            await asyncio.sleep(self.latency)
            return SendResult(429, retry_after=1.0, global_limit=True)
        self.recent.append(arrived)
        self.accepted.append(arrived)
        await asyncio.sleep(self.latency)
        if len(self.accepted) >= self.expected:
            self.done.set()
        return SendResult(200, message_id=len(self.accepted))


async def measure(count: int, latency: float, saga_db: Path) -> None:
    index = load_index(saga_db)
    state = open_state(":memory:", [MIGRATIONS])
    due_since = datetime.now(UTC) - timedelta(days=1, hours=1)
    for number in range(count):
        save_subscription(state, guild_id=1, channel_id=10_000 + number, at=clock_time(0, 0), timezone_name="UTC", mode="replay",
                          locale="fr" if number % 2 else "en", now=due_since)
    discord = LimitedDiscord(latency)
    discord.expected = count
    scheduler = RecapScheduler(state, index)
    started = time.monotonic()
    task = asyncio.create_task(scheduler.run(discord.send))
    await asyncio.wait_for(discord.done.wait(), timeout=count / 10 + 60)
    wall = time.monotonic() - started
    scheduler.stop()
    await task
    span = discord.accepted[-1] - discord.accepted[0]
    floor = (count - 1) / LIMIT_PER_SECOND
    window = count_busiest_second(discord.accepted)
    print(f"recap fan-out: {count} posts, simulated Discord latency {latency * 1000:.0f} ms")
    print(f"  delivered        {len(discord.accepted)} / {count}")
    print(f"  429 rejections   {discord.rejected}  (goal: 0)")
    print(f"  first→last post  {span:.2f} s  (floor {floor:.2f} s at 50/s; ratio {span / floor:.2f})")
    print(f"  wall time        {wall:.2f} s  (including compose and the SQLite ledger)")
    print(f"  busiest second   {window} requests (limit {LIMIT_PER_SECOND})")


def count_busiest_second(times: list[float]) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=40.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        saga_db = Path(folder) / "saga.db"
        build_database(ROOT / "data", ROOT / "seeds", saga_db, ROOT)
        asyncio.run(measure(args.count, args.latency_ms / 1000, saga_db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
