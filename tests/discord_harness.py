"""Start and stop the real bot against the loopback stand-in, in the test's own event loop."""
from __future__ import annotations

import asyncio

from bot.answering.index import SagaIndex
from bot.client import SagaBot, open_bot_state
from bot.settings import Settings

from .discord_standin import DiscordStandIn


async def start_bot(standin: DiscordStandIn, settings: Settings, index: SagaIndex, token: str,
                    recap_clock: object | None = None) -> tuple[SagaBot, asyncio.Task[None]]:
    """Log in, connect to the stand-in's gateway and wait for READY (Route.BASE and the gateway
    URL must already point at the stand-in)."""
    bot = SagaBot(settings, index, open_bot_state(settings))
    bot.recap_clock = recap_clock
    await bot.login(token)
    standin._ready.clear()
    runner = asyncio.create_task(bot.connect(reconnect=False))
    await standin.wait_ready()
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    return bot, runner


async def stop_bot(bot: SagaBot, runner: asyncio.Task[None]) -> None:
    await bot.close()
    await asyncio.gather(runner, return_exceptions=True)
