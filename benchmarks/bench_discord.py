"""Latency through the loopback Discord stand-in: INTERACTION_CREATE sent → callback received.

The bot runs the real discord.py client in its own process; the stand-in runs in this one, as
Discord would on another machine. Beside /who, /ask and
autocomplete, a trivial command answering a constant string gives the library's own floor;
each kind is reported as p50/p99 and as a ratio to that floor. Last, the bot's resident memory
after READY, measured on a real `python -m bot run` process.

    .venv/bin/python benchmarks/bench_discord.py [--count 2000]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord

from bot.answering.index import load_index
from bot.client import SagaBot, open_bot_state
from bot.curation.build import ensure_database
from bot.settings import Settings
from tests.discord_standin import DiscordStandIn

TOKEN = "bench.token"
# Several questions per command, asked in turn, so no answer is measured warm from a cache.
QUESTIONS = {
    "who": ("who", "description", 2, ["qui a viré Altman ?", "who replaced Murati", "who hired brockmann",
                                      "qui a signé la lettre ?", "who regrets the board's actions", "qui a témoigné devant le Congrès ?"]),
    "ask": ("ask", "question", 2, ["how many employees signed the letter?", "quand Shear a-t-il été nommé ?",
                                   "who is the CEO of Google?", "what did Nadella announce on Monday?", "qui est Kevin Scott ?"]),
    "autocomplete": ("what", "entity", 4, ["murat", "altmn", "micro", "sutsk", "e", "board"]),
    "trivial": ("ping", "", 2, [""]),
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def serve_bot() -> None:
    """The bot process: the real client, the nine commands plus the trivial `ping` floor."""
    from bot.launcher import configure_endpoints

    configure_endpoints()
    settings = Settings.from_environment()
    bot = SagaBot(settings, load_index(settings.saga_db), open_bot_state(settings))

    @bot.tree.command(name="ping", description="constant answer: the library's floor")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", allowed_mentions=discord.AllowedMentions.none())

    async def run() -> None:
        async with bot:
            await bot.start(TOKEN)

    asyncio.run(run())


async def measure(standin: DiscordStandIn, name: str, option: str, kind: int, values: list[str], count: int) -> list[float]:
    timings = []
    for number in range(count):
        value = values[number % len(values)]
        options = [{"name": option, "type": 3, "value": value, **({"focused": True} if kind == 4 else {})}] if option else []
        payload = standin.make_interaction(name, options, kind=kind, locale="fr")
        start_index = len(standin.requests)
        began = time.perf_counter()
        await standin.send_interaction(payload)
        await standin.wait_callback(payload, start_index)
        timings.append((time.perf_counter() - began) * 1000)
        if len(standin.requests) > 5000:
            standin.requests.clear()
    return timings


def _read_rss(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        saga = ROOT / "var" / "saga.db"
        ensure_database(ROOT / "data", ROOT / "seeds", saga)
        standin = DiscordStandIn()
        await standin.start()
        env = {**os.environ, "DISCORD_API_BASE": standin.api_base, "DISCORD_GATEWAY_URL": standin.gateway_url,
               "SAGABOT_SAGA_DB": str(saga), "SAGABOT_STATE_DB": str(tmp / "state.db"), "SAGABOT_HEALTH_FILE": str(tmp / "h.json")}
        bot_process = await asyncio.create_subprocess_exec(sys.executable, __file__, "--serve-bot", cwd=ROOT, env=env,
                                                           stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                                                           stderr=asyncio.subprocess.DEVNULL)
        await standin.wait_ready(60)
        await asyncio.sleep(0.5)
        # Warm-up: the first answers pay for imports and caches.
        for name, option, kind, values in QUESTIONS.values():
            await measure(standin, name, option, kind, values, 50)
        results = {label: await measure(standin, name, option, kind, values, count)
                   for label, (name, option, kind, values) in QUESTIONS.items()}
        floor50, floor99 = percentile(results["trivial"], 0.5), percentile(results["trivial"], 0.99)
        print(f"Interaction → callback through the loopback stand-in ({count} each, bot and stand-in in 2 processes, {os.cpu_count()} cores)")
        print(f"  {'kind':14} {'p50 ms':>8} {'p99 ms':>8} {'p50 / floor':>12} {'p99 / floor':>12}")
        for label, timings in results.items():
            p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
            print(f"  {label:14} {p50:8.3f} {p99:8.3f} {p50 / floor50:12.2f} {p99 / floor99:12.2f}")
        print(f"  mean of all: {statistics.mean(t for ts in results.values() for t in ts):.3f} ms; goal: answers and autocomplete under 1.3x the floor")
        bot_process.terminate()
        await bot_process.wait()

        env["DISCORD_TOKEN"] = TOKEN
        standin._ready.clear()
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                       stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                                                       stderr=asyncio.subprocess.DEVNULL)
        await standin.wait_ready(60)
        ready = time.perf_counter() - started
        print(f"Start: `python -m bot run` READY {ready:.2f} s after the process started (goal <= 2 s)")
        at_ready = _read_rss(process.pid)
        # The sentence encoder loads in the background after READY; measure once it is in.
        await asyncio.sleep(4.0)
        loaded = _read_rss(process.pid)
        print(f"Memory: resident set at READY {at_ready:.1f} MiB; with the sentence encoder loaded {loaded:.1f} MiB (goal <= 250 MB)")
        process.terminate()
        await process.wait()
        await standin.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="interactions per kind")
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_bot:
        serve_bot()
    else:
        asyncio.run(main(arguments.count))
