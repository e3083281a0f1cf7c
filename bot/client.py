"""The Discord client: one class whose `setup_hook` loads the EXTENSIONS, like RoboDanny."""
from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from .answering.index import SagaIndex
from .messages import say
from .settings import Settings
from .sharding import RestBudget, ShardPlan
from .storage import StateDatabase, close_state, list_state_errors, list_transient_errors, wait_for_workers
from .supervisor import Supervisor
from .translator import CatalogueTranslator, pick_locale

log = logging.getLogger("sagabot.discord")

EXTENSIONS: tuple[str, ...] = ("bot.cogs.answers", "bot.cogs.quiz", "bot.cogs.recap", "bot.cogs.health")
# The features that need the bot's state database; without it, `bot.cogs.unavailable` answers for them.
STATEFUL = frozenset({"bot.cogs.quiz", "bot.cogs.recap"})
NO_MENTIONS = discord.AllowedMentions.none()


def open_bot_state(settings: Settings) -> StateDatabase:
    """The bot's own state database (PostgreSQL when SAGABOT_STATE_URL is set, else the SQLite
    file), with every feature's migrations applied."""
    from .quiz import store as quiz_store
    from .recap import store as recap_store
    from .storage import open_state

    return open_state(settings.state_location, [quiz_store.migrations, recap_store.MIGRATIONS])


def try_bot_state(settings: Settings) -> tuple[StateDatabase | None, str | None]:
    """The state database, or why it can't be opened (corrupt, unreadable, read-only, a full
    disk): then the bot still answers questions, and says quizzes and recaps are down."""
    try:
        return open_bot_state(settings), None
    # Evaluated as the error comes: opening PostgreSQL is what loads psycopg and its errors.
    except list_state_errors(OSError) as error:  # the database refuses (corrupt, unreachable), or its file does
        problem = f"{settings.state_name}: {error}"
        fix = ("start PostgreSQL, or fix SAGABOT_STATE_URL, then restart the bot" if settings.state_url else
               "restore it from a backup, or move it aside (the bot then starts a new, empty one), or let the bot write to it "
               "and to its folder (permissions, a read-only mount, a full disk)")
        log.error("the state database can't be opened (%s). Questions are answered; quizzes and recaps are off until it is "
                  "fixed: %s.", problem, fix)
        return None, problem


def make_intents() -> discord.Intents:
    """Guilds only: slash commands need no privileged intent (no message content, no members)."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class SagaTree(app_commands.CommandTree):
    """The command tree, with one check before any command runs: each option within its declared
    choices and bounds. Discord's own client offers nothing else, but an interaction may come
    from elsewhere; a value out of bounds gets a clear word, not a failing command."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.type is not discord.InteractionType.application_command:
            return True
        problem = find_option_problem(interaction)
        if problem is None:
            return True
        await interaction.response.send_message(problem, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False


def find_option_problem(interaction: discord.Interaction) -> str | None:
    """What is wrong with the first option out of its choices or bounds, in the member's language."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return None
    locale = pick_locale(interaction.locale)
    for parameter in command.parameters:
        value = getattr(interaction.namespace, parameter.display_name, None)
        if value is None:
            continue
        key = parameter.locale_name.extras.get("key") if parameter.locale_name else None
        option = say(key, locale) if key else parameter.display_name
        low, high = parameter.min_value, parameter.max_value
        if parameter.choices and value not in [choice.value for choice in parameter.choices]:
            return say("discord.option.choices", locale, option=option,
                       choices=", ".join(str(choice.value) for choice in parameter.choices))
        if isinstance(value, str) and low is not None and high is not None and not low <= len(value) <= high:
            return say("discord.option.length", locale, option=option, low=low, high=high)
        if isinstance(value, int | float) and low is not None and high is not None and not low <= value <= high:
            return say("discord.option.range", locale, option=option, low=low, high=high)
    return None


class SagaBot(commands.Bot):
    def __init__(self, settings: Settings, index: SagaIndex, state_db: StateDatabase | None,
                 state_problem: str | None = None, shard_plan: ShardPlan | None = None, **options: Any) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=make_intents(), help_command=None,
                         allowed_mentions=NO_MENTIONS, tree_cls=SagaTree, **options)
        # the shards this process runs (None: one connection, every guild is its own)
        self.shard_plan = shard_plan
        # how fast this process's recap fan-out may send (its share of the bot's 50 per second)
        self.rest_budget = RestBudget()
        self.settings = settings
        self.index = index
        self.state_db = state_db
        # why there is no state database (then quizzes and recaps are off, and health says so)
        self.state_problem = state_problem
        # The recap scheduler's clock: None is the real one; tests give a simulated one.
        self.recap_clock: object | None = None
        # The background loops (quiz driver, recap scheduler): restarted when they fail.
        self.supervisor = Supervisor(logging.getLogger("sagabot.loops"))

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator())
        self.tree.error(self.on_app_command_error)
        for extension in EXTENSIONS:
            if extension not in STATEFUL or self.state_db is not None:
                await self.load_extension(extension)
        if self.state_db is None:
            await self.load_extension("bot.cogs.unavailable")

    async def close(self) -> None:
        """Close the gateway, then the state database: every accepted answer is already written."""
        await super().close()
        # A cancelled task does not stop the worker thread running its query: let every worker
        # finish before the connection they share is closed.
        if not await wait_for_workers():
            log.warning("closing the state database while a query still runs")
        if self.state_db is not None:
            close_state(self.state_db)

    @property
    def state(self) -> StateDatabase:
        """The state database, for the features that are only loaded when it opened."""
        if self.state_db is None:
            raise RuntimeError(f"no state database: {self.state_problem}")
        return self.state_db

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guild(s)", self.user, len(self.guilds))

    def owns_guild(self, guild_id: int | None) -> bool:
        """Whether this process acts on the guild (its background work): always, unsharded."""
        return self.shard_plan is None or guild_id is None or self.shard_plan.owns_guild(guild_id)

    async def on_shard_connect(self, shard_id: int) -> None:
        log.info("shard %s connected", shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        log.info("shard %s resumed", shard_id)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        log.warning("shard %s disconnected", shard_id)
    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Every failing command ends here: the member gets a short ephemeral line, the log the traceback."""
        command = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CheckFailure) and interaction.response.is_done():
            # A check that refused has already told the member why (a missing permission): not a
            # failure, and nothing more to say; any member could otherwise fill the log.
            log.info("command /%s refused by its check", command)
            return
        cause = getattr(error, "original", error)
        if isinstance(cause, list_transient_errors()):
            # The state database is full, locked or failing: an operator's matter, not a bug.
            # Its writes are transactions, so nothing was half-done; the member may try again.
            log.error("command /%s: the state database %s failed (%s)", command, self.settings.state_name, cause)
            message = say("discord.storage_failed", pick_locale(interaction.locale))
        else:
            log.error("command /%s failed", command, exc_info=error)
            message = say("discord.failed", pick_locale(interaction.locale))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell the member that /%s failed", command)


class ShardedSagaBot(SagaBot, commands.AutoShardedBot):
    """The bot over exactly the shards of its plan: discord.py's own sharding, several
    connections in one process, each identifying as [shard, count]."""


def make_bot(settings: Settings, index: SagaIndex, state_db: StateDatabase | None, state_problem: str | None = None,
             shard_plan: ShardPlan | None = None, rest_budget: RestBudget | None = None) -> SagaBot:
    """The bot as the plan says: one connection without one, the plan's shards with one."""
    bot = SagaBot(settings, index, state_db, state_problem) if shard_plan is None else \
        ShardedSagaBot(settings, index, state_db, state_problem, shard_plan,
                       shard_count=shard_plan.count, shard_ids=list(shard_plan.ids))
    if rest_budget is not None:
        bot.rest_budget = rest_budget
    return bot
