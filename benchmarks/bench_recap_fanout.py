"""How fast a thousand recaps due in the same minute go out, in real time, through the real
scheduler and pacer (compose, at-most-once ledger, token buckets, retries), against a stand-in
for Discord that refuses any request beyond 50 in a second with a 429.

    .venv/bin/python benchmarks/bench_recap_fanout.py [--count 1000] [--latency-ms 40] [--processes N]
                                                      [--state sqlite|postgres]

Discord's global limit makes 1,000 / 50 = 20 s the floor. Goals: every post delivered, zero
429s; one process (issue #6) and two (issue #13, ≤ 1.1× the floor). This is a report, not a
test: it never fails.

With `--processes N` (N > 1), N operating-system processes run as the processes of a sharded
bot do: each its own shard of N, its own connection to one state database (PostgreSQL by
default, started from the pgserver wheel in a temporary folder; or one SQLite file), its own
pacer at its share of the budget (bot.sharding). They post over loopback HTTP to one stand-in
in this process, which enforces the one limit of 50 requests per second for all of them, as
Discord does per bot. The clock starts when every process has loaded and is ready.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
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
from bot.recap.pacing import Pacer
from bot.recap.posts import Post
from bot.recap.scheduler import RecapScheduler
from bot.recap.store import MIGRATIONS, save_subscription
from bot.sharding import ShardPlan, compute_rest_budget
from bot.storage import close_state, open_state

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


def make_pacer(plan: ShardPlan | None, clock: SystemClock) -> Pacer:
    budget = compute_rest_budget(plan, None)
    return Pacer(clock, rate=budget.rate, burst=budget.burst)


def subscribe_all(state_path: Path | str, count: int) -> None:
    setup = open_state(state_path, [MIGRATIONS])
    due_since = datetime.now(UTC) - timedelta(days=1, hours=1)
    for number in range(count):
        # guild ids whose shard (id >> 22) % processes takes turns
        save_subscription(setup, guild_id=(1 + number) << 22, channel_id=10_000 + number, at=clock_time(0, 0), timezone_name="UTC",
                          mode="replay", locale="fr" if number % 2 else "en", now=due_since)
    close_state(setup)


async def measure(count: int, latency: float, saga_db: Path, state_path: Path, processes: int) -> None:
    """N schedulers in this one event loop (N = 1: the bot as one process)."""
    index = load_index(saga_db)
    subscribe_all(state_path, count)
    discord = LimitedDiscord(latency)
    discord.expected = count
    schedulers = []
    for shard in range(processes):
        plan = ShardPlan(processes, (shard,)) if processes > 1 else None
        clock = SystemClock()
        pacer = make_pacer(plan, clock)
        schedulers.append(RecapScheduler(open_state(state_path, [MIGRATIONS]), index, clock, pacer,
                                         owns_guild=plan.owns_guild if plan else (lambda guild_id: True)))
    started = time.monotonic()
    tasks = [asyncio.create_task(scheduler.run(discord.send)) for scheduler in schedulers]
    await asyncio.wait_for(discord.done.wait(), timeout=count / 10 + 60)
    wall = time.monotonic() - started
    for scheduler in schedulers:
        scheduler.stop()
    await asyncio.gather(*tasks)
    pace = ", ".join(f"{scheduler.pacer.global_bucket.rate:.1f}" for scheduler in schedulers)
    report(discord, count, latency, f"{processes} scheduler(s) in one process, paced at {pace} requests/s", wall, "SQLite")


def report(discord: LimitedDiscord, count: int, latency: float, who: str, wall: float, state: str) -> None:
    span = discord.accepted[-1] - discord.accepted[0]
    floor = (count - 1) / LIMIT_PER_SECOND
    window = count_busiest_second(discord.accepted)
    print(f"recap fan-out: {count} posts, simulated Discord latency {latency * 1000:.0f} ms, {who}")
    print(f"  delivered        {len(discord.accepted)} / {count}")
    print(f"  429 rejections   {discord.rejected}  (goal: 0)")
    print(f"  first→last post  {span:.2f} s  (floor {floor:.2f} s at 50/s; ratio {span / floor:.2f})")
    print(f"  wall time        {wall:.2f} s  (including compose and the {state} ledger)")
    print(f"  busiest second   {window} requests (limit {LIMIT_PER_SECOND})")


def run_shard(state_location: str, saga_db: str, shard: int, processes: int, port: int, ready: object, go: object,
              stop: object) -> None:
    """One process of the sharded bot: its scheduler, its pacer, posting to the stand-in over HTTP."""
    import aiohttp

    async def serve() -> None:
        index = load_index(Path(saga_db))
        plan = ShardPlan(processes, (shard,))
        clock = SystemClock()
        scheduler = RecapScheduler(open_state(state_location, [MIGRATIONS]), index, clock, make_pacer(plan, clock),
                                   owns_guild=plan.owns_guild)
        async with aiohttp.ClientSession() as session:
            async def send(channel_id: int, post: Post, nonce: str) -> SendResult:
                async with session.post(f"http://127.0.0.1:{port}/send", json={"channel": channel_id, "nonce": nonce}) as answer:
                    body = await answer.json()
                if answer.status == 429:
                    return SendResult(429, retry_after=body["retry_after"], global_limit=True)
                return SendResult(answer.status, message_id=body["id"])

            ready.set()  # type: ignore[attr-defined]
            await asyncio.to_thread(go.wait)  # type: ignore[attr-defined]
            task = asyncio.create_task(scheduler.run(send))
            await asyncio.to_thread(stop.wait)  # type: ignore[attr-defined]
            scheduler.stop()
            await task

    asyncio.run(serve())


async def measure_processes(count: int, latency: float, saga_db: Path, state_location: str, processes: int, state: str) -> None:
    """N operating-system processes, one shard each, on one state database, one shared limit."""
    from aiohttp import web

    subscribe_all(state_location, count)
    discord = LimitedDiscord(latency)
    discord.expected = count

    async def receive(request: web.Request) -> web.Response:
        await request.json()
        result = await discord.send(0, None, "")  # type: ignore[arg-type]  # the stand-in reads neither
        if result.status == 429:
            return web.json_response({"retry_after": result.retry_after}, status=429)
        return web.json_response({"id": result.message_id})

    app = web.Application()
    app.router.add_post("/send", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    context = multiprocessing.get_context("spawn")
    go, stop = context.Event(), context.Event()
    readies = [context.Event() for _ in range(processes)]
    children = [context.Process(target=run_shard, args=(state_location, str(saga_db), shard, processes, port, readies[shard],
                                                         go, stop)) for shard in range(processes)]
    for child in children:
        child.start()
    for ready in readies:
        await asyncio.to_thread(ready.wait, 120)
    started = time.monotonic()
    go.set()
    await asyncio.wait_for(discord.done.wait(), timeout=count / 10 + 60)
    wall = time.monotonic() - started
    stop.set()
    for child in children:
        await asyncio.to_thread(child.join, 30)
    await runner.cleanup()
    budget = compute_rest_budget(ShardPlan(processes, (0,)), None)
    report(discord, count, latency, f"{processes} processes, each paced at {budget.rate:.2f} requests/s (bursts of {budget.burst:g})",
           wall, state)


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
    parser.add_argument("--processes", type=int, default=1, help="processes of a sharded bot, one shard each")
    parser.add_argument("--state", choices=("postgres", "sqlite"), default="postgres",
                        help="the state database the processes share (with --processes 2 or more)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        saga_db = Path(folder) / "saga.db"
        build_database(ROOT / "data", ROOT / "seeds", saga_db, ROOT)
        if args.processes <= 1:
            asyncio.run(measure(args.count, args.latency_ms / 1000, saga_db, Path(folder) / "state.db", 1))
        elif args.state == "sqlite":
            asyncio.run(measure_processes(args.count, args.latency_ms / 1000, saga_db, str(Path(folder) / "state.db"),
                                          args.processes, "SQLite"))
        else:
            import pgserver

            server = pgserver.get_server(Path(tempfile.mkdtemp(prefix="sagapg-")), cleanup_mode="delete")
            try:
                asyncio.run(measure_processes(args.count, args.latency_ms / 1000, saga_db, server.get_uri(), args.processes,
                                              "PostgreSQL"))
            finally:
                server.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
