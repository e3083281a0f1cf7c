"""How fast a thousand recaps due in the same minute go out, in real time, through the real
scheduler and pacer (compose, at-most-once ledger in SQLite, token buckets, retries), against
an in-process stand-in for Discord that refuses any request beyond 50 in a second with a 429.

    .venv/bin/python benchmarks/bench_recap_fanout.py [--count 1000] [--latency-ms 40] [--processes N]

Discord's global limit makes 1,000 / 50 = 20 s the floor. Goal (issue #6): every post delivered,
zero 429s. This is a report, not a test: it never fails.

With `--processes N`, N schedulers run as N processes of a sharded bot would: each its own
connection to one state database file, its own shard (N shards), its own pacer at its share of
the budget (bot.sharding.compute_rest_budget); the guilds are spread over the shards, and the one
limit of 50 requests per second is shared, as Discord's is per bot. They run in one event loop
here, not as OS processes: what is measured is the pacing, not the machine.
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
from bot.recap.clock import SystemClock
from bot.recap.delivery import SendResult
from bot.recap.pacing import GLOBAL_BURST, Pacer
from bot.recap.posts import Post
from bot.recap.scheduler import RecapScheduler
from bot.recap.store import MIGRATIONS, save_subscription
from bot.sharding import ShardPlan, compute_rest_budget
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


async def measure(count: int, latency: float, saga_db: Path, state_path: Path, processes: int) -> None:
    index = load_index(saga_db)
    setup = open_state(state_path, [MIGRATIONS])
    due_since = datetime.now(UTC) - timedelta(days=1, hours=1)
    for number in range(count):
        # guild ids whose shard (id >> 22) % processes takes turns
        save_subscription(setup, guild_id=(1 + number) << 22, channel_id=10_000 + number, at=clock_time(0, 0), timezone_name="UTC",
                          mode="replay", locale="fr" if number % 2 else "en", now=due_since)
    setup.conn.close()
    discord = LimitedDiscord(latency)
    discord.expected = count
    schedulers = []
    for shard in range(processes):
        plan = ShardPlan(processes, (shard,)) if processes > 1 else None
        clock = SystemClock()
        pacer = Pacer(clock, rate=compute_rest_budget(plan, None, GLOBAL_BURST))
        schedulers.append(RecapScheduler(open_state(state_path, [MIGRATIONS]), index, clock, pacer,
                                         owns_guild=plan.owns_guild if plan else (lambda guild_id: True)))
    started = time.monotonic()
    tasks = [asyncio.create_task(scheduler.run(discord.send)) for scheduler in schedulers]
    await asyncio.wait_for(discord.done.wait(), timeout=count / 10 + 60)
    wall = time.monotonic() - started
    for scheduler in schedulers:
        scheduler.stop()
    await asyncio.gather(*tasks)
    span = discord.accepted[-1] - discord.accepted[0]
    floor = (count - 1) / LIMIT_PER_SECOND
    window = count_busiest_second(discord.accepted)
    pace = ", ".join(f"{scheduler.pacer.global_bucket.rate:.1f}" for scheduler in schedulers)
    print(f"recap fan-out: {count} posts, simulated Discord latency {latency * 1000:.0f} ms, "
          f"{processes} process(es) paced at {pace} requests/s")
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
    parser.add_argument("--processes", type=int, default=1, help="schedulers on one state database, one shard each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        saga_db = Path(folder) / "saga.db"
        build_database(ROOT / "data", ROOT / "seeds", saga_db, ROOT)
        asyncio.run(measure(args.count, args.latency_ms / 1000, saga_db, Path(folder) / "state.db", max(1, args.processes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
