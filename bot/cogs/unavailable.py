"""/quiz and /recap when the state database can't be opened: the same commands, made from their
declarations (bot.commands), each answering that the feature is off and why, to the member only.
Loaded instead of the quiz and recap cogs, so questions keep working."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from ..client import NO_MENTIONS, SagaBot
from ..commands import QUIZ, RECAP, Command
from ..messages import say
from ..translator import pick_locale, text


class Unavailable(commands.Cog):
    def __init__(self, bot: SagaBot) -> None:
        self.bot = bot
        self.groups = [self._make_group(declared) for declared in (QUIZ, RECAP)]

    async def cog_load(self) -> None:
        for group in self.groups:
            self.bot.tree.add_command(group, override=True)

    async def cog_unload(self) -> None:
        for group in self.groups:
            self.bot.tree.remove_command(group.name)

    def _make_group(self, declared: Command) -> app_commands.Group:
        group = app_commands.Group(name=text(f"cmd.{declared.name}.name"), description=text(f"cmd.{declared.name}.description"),
                                   guild_only=True)
        for sub in declared.subcommands:
            if not sub.console_only:
                group.add_command(app_commands.Command(name=text(f"cmd.{sub.name}.name"), description=text(f"cmd.{sub.name}.description"),
                                                       callback=say_unavailable))
        return group


async def say_unavailable(interaction: discord.Interaction) -> None:
    """Every /quiz and /recap subcommand while the state database is down."""
    await interaction.response.send_message(say("discord.state_unavailable", pick_locale(interaction.locale)), ephemeral=True,
                                            allowed_mentions=NO_MENTIONS)


async def setup(bot: SagaBot) -> None:
    await bot.add_cog(Unavailable(bot))
