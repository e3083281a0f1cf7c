"""The Discord client: one class whose `setup_hook` loads the EXTENSIONS, like RoboDanny."""
from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from .answering.index import SagaIndex
from .messages import say
from .settings import Settings
from .translator import CatalogueTranslator, pick_locale

log = logging.getLogger("sagabot.discord")

EXTENSIONS: tuple[str, ...] = ("bot.cogs.answers", "bot.cogs.health")
NO_MENTIONS = discord.AllowedMentions.none()


def make_intents() -> discord.Intents:
    """Guilds only: slash commands need no privileged intent (no message content, no members)."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class SagaBot(commands.Bot):
    def __init__(self, settings: Settings, index: SagaIndex) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=make_intents(), help_command=None,
                         allowed_mentions=NO_MENTIONS)
        self.settings = settings
        self.index = index

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator())
        self.tree.on_error = self.on_app_command_error
        for extension in EXTENSIONS:
            await self.load_extension(extension)

    async def on_ready(self) -> None:
        log.info("connected as %s to %d guild(s)", self.user, len(self.guilds))

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Every failing command ends here: the member gets a short ephemeral line, the log the traceback."""
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("command /%s failed", command, exc_info=error)
        message = say("discord.failed", pick_locale(interaction.locale))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell the member that /%s failed", command)
