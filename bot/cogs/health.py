"""A heartbeat file for the container's health check: written while the gateway is connected."""
from __future__ import annotations

import asyncio
import json
import time

import discord
from discord.ext import commands

from ..client import SagaBot

INTERVAL_SECONDS = 30
# The loop that writes the heartbeat, under the bot's supervisor like the others: a failed write
# (a full disk) is logged and retried, and the stale file then tells the health check.
HEARTBEAT = "heartbeat"


class Health(commands.Cog):
    def __init__(self, bot: SagaBot) -> None:
        self.bot = bot
        self.path = bot.settings.health_file

    async def cog_load(self) -> None:
        self.bot.supervisor.start(HEARTBEAT, self._beat_forever)

    async def cog_unload(self) -> None:
        self.bot.supervisor.stop(HEARTBEAT)

    async def _beat_forever(self) -> None:
        while True:
            self.beat()
            await asyncio.sleep(INTERVAL_SECONDS)

    def beat(self) -> None:
        ready = self.bot.is_ready() and not self.bot.is_closed()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        beat = {"ready": ready, "at": time.time(), "latency": self.bot.latency, "loops": self.bot.supervisor.report(),
                "state_problem": self.bot.state_problem}
        plan = self.bot.shard_plan
        if plan is not None and isinstance(self.bot, discord.AutoShardedClient):
            # each shard's own connection (one slow shard hides in the average); None until it connects
            known = dict(self.bot.latencies)
            beat["shards"] = {str(shard_id): known.get(shard_id) for shard_id in plan.ids}
        self.path.write_text(json.dumps(beat), encoding="utf-8")


async def setup(bot: SagaBot) -> None:
    await bot.add_cog(Health(bot))
