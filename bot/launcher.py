"""Start the bot on Discord, or sync its commands: token, endpoints, logging, signals."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

import aiohttp
import discord
import yarl
from dotenv import dotenv_values

from .settings import Settings
from .sharding import RestBudget, ShardPlan, compute_rest_budget, parse_shard_plan

# The pauses between two attempts to reach Discord at start.
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 60.0

if TYPE_CHECKING:  # imported late at run time, to keep the `data` commands light
    from .client import SagaBot

log = logging.getLogger("sagabot")


def find_token(settings: Settings) -> str | None:
    """DISCORD_TOKEN from the environment, else from the checkout's .env file."""
    token = os.environ.get("DISCORD_TOKEN")
    if not token:
        token = dotenv_values(settings.root / ".env").get("DISCORD_TOKEN")
    return token.strip() if token else None


def configure_endpoints() -> None:
    """Point discord.py at a REST proxy and a gateway proxy when DISCORD_API_BASE / DISCORD_GATEWAY_URL say so."""
    api_base = os.environ.get("DISCORD_API_BASE")
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    gateway = os.environ.get("DISCORD_GATEWAY_URL")
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


class ShortReconnectLines(logging.Filter):
    """discord.py reconnects by itself when the gateway is lost, but logs each attempt with a
    full traceback: for an admin, losing the network is one line saying what and when again."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Attempting a reconnect in") and record.exc_info:
            error = record.exc_info[1]
            delay = record.args[0] if isinstance(record.args, tuple) and record.args else 0.0
            record.msg, record.args = "Discord connection lost (%s); reconnecting in %.1f s", (_describe(error), delay)
            record.exc_info, record.exc_text, record.levelno, record.levelname = None, None, logging.WARNING, "WARNING"
        return True


def _describe(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}" if error is not None and str(error) else type(error).__name__


def protect_secrets(settings: Settings, token: str) -> None:
    """Redact the token from every log line and traceback, and the state database's password."""
    from .postgres import find_url_secrets
    from .secrets_filter import protect_logs

    protect_logs(token, *find_url_secrets(settings.state_url))


def run_discord(settings: Settings, token: str) -> int:
    """Serve the slash commands until SIGTERM or SIGINT, then close the gateway cleanly."""
    protect_secrets(settings, token)
    logging.getLogger("discord.client").addFilter(ShortReconnectLines())
    try:
        shard_plan = parse_shard_plan(settings.shard_count, settings.shards)
        rest_budget = compute_rest_budget(shard_plan, settings.rest_budget)
    except ValueError as error:
        log.error("%s", error)
        return 2
    log.info("recap fan-out paced at %.1f requests per second (bursts of %g)", rest_budget.rate, rest_budget.burst)
    configure_endpoints()
    try:
        asyncio.run(_serve(settings, token, shard_plan, rest_budget))
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_TOKEN")
        return 1
    return 0


def run_command_sync(settings: Settings, token: str, guild_id: int | None) -> int:
    """Register the slash commands with Discord: globally, or on one guild (instant, for testing)."""
    protect_secrets(settings, token)
    configure_endpoints()
    try:
        synced = asyncio.run(_sync(settings, token, guild_id))
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_TOKEN")
        return 1
    except discord.HTTPException as error:
        log.error("Discord refused the commands: %s", error)
        return 1
    where = f"guild {guild_id}" if guild_id else "all guilds (global commands can take up to an hour to appear)"
    print(f"sync: {len(synced)} commands registered for {where}: {', '.join('/' + c.name for c in synced)}")
    return 0


async def _make_bot(settings: Settings, shard_plan: ShardPlan | None, rest_budget: RestBudget | None = None) -> SagaBot:
    from .answering.index import load_index
    from .client import make_bot, try_bot_state
    from .storage import run_sync

    index = await run_sync(load_index, settings.saga_db)
    state_db, problem = await run_sync(try_bot_state, settings)
    if shard_plan is not None:
        log.info("shards %s of %d", ", ".join(map(str, shard_plan.ids)), shard_plan.count)
    return make_bot(settings, index, state_db, problem, shard_plan, rest_budget)


async def _warm_up_when_ready(bot: SagaBot) -> None:
    """Load the sentence encoder once connected: READY does not wait for it, and the first
    question does not pay for it."""
    await bot.wait_until_ready()
    if bot.index.vectors is not None:
        from .saga.meaning import warm_up_in_background

        warm_up_in_background()


async def _serve(settings: Settings, token: str, shard_plan: ShardPlan | None = None, rest_budget: RestBudget | None = None) -> None:
    bot = await _make_bot(settings, shard_plan, rest_budget)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    async with bot:
        if not await _log_in(bot, token, stopping):
            log.info("stop signal received before Discord could be reached")
            return
        # discord.py reconnects the gateway by itself, with its own backoff.
        runner = asyncio.create_task(bot.connect(reconnect=True))
        warming = asyncio.create_task(_warm_up_when_ready(bot))
        stopper = asyncio.create_task(stopping.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("stop signal received: closing the gateway")
            await bot.close()
        stopper.cancel()
        warming.cancel()
        await asyncio.gather(runner, return_exceptions=False)
    log.info("closed cleanly")


async def _log_in(bot: SagaBot, token: str, stopping: asyncio.Event) -> bool:
    """Log in, waiting for Discord as long as it can't be reached (one line per attempt, with a
    pause that doubles up to a minute); False if asked to stop meanwhile. A refused token raises."""
    delay = FIRST_RETRY_SECONDS
    while not stopping.is_set():
        try:
            await bot.login(token)
            return True
        except discord.LoginFailure:
            raise
        except (OSError, aiohttp.ClientError, discord.DiscordServerError) as error:
            log.error("Discord can't be reached (%s); trying again in %.0f s", error, delay)
        try:
            await asyncio.wait_for(stopping.wait(), delay)
        except TimeoutError:
            pass
        delay = min(delay * 2, LAST_RETRY_SECONDS)
    return False


async def _sync(settings: Settings, token: str, guild_id: int | None) -> list[discord.app_commands.AppCommand]:
    bot = await _make_bot(settings, None)  # syncing needs no gateway, so no shards
    async with bot:
        await bot.login(token)
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        return await bot.tree.sync(guild=guild)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use python -m bot run")
