"""The question commands: /who /when /what /timeline /role /quote /source /ask /help.

Each is made from its declaration in bot.commands (the console parses the same one): its
options, their lengths and autocomplete, and the handler it calls; it replies through
`_reply`, the one place answers become embeds, pages and pictures.
"""
from __future__ import annotations

import inspect
from dataclasses import replace
import io
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ..answering import autocomplete
from ..answering.answers import Answer
from ..answering.index import SagaIndex
from ..answering.phrasing import phrase_role
from ..answering.replies import compose_reply
from ..charts import draw_events_per_day, draw_role_history
from ..client import NO_MENTIONS, SagaBot
from ..commands import QUESTION_COMMANDS, Command
from ..pages import build_pages
from ..storage import run_sync
from ..translator import escape_user_text, pick_locale, text
from ..views.pages import PageView, make_embed

Choices = list[app_commands.Choice[str]]


class Answers(commands.Cog):
    def __init__(self, bot: SagaBot) -> None:
        self.bot = bot

    @property
    def index(self) -> SagaIndex:
        return self.bot.index

    # --- commands: made from their declarations (bot.commands) ---------------------------
    async def cog_load(self) -> None:
        for declared in QUESTION_COMMANDS:
            self.bot.tree.add_command(self._make_command(declared), override=True)

    async def cog_unload(self) -> None:
        for declared in QUESTION_COMMANDS:
            self.bot.tree.remove_command(declared.title("en"))

    def _make_command(self, declared: Command) -> app_commands.Command[Any, ..., None]:
        handler = declared.handler
        assert handler is not None  # the question commands all answer

        async def callback(interaction: discord.Interaction, /, **values: str | None) -> None:
            typed = {name: value for name, value in values.items() if value is not None}
            await self._reply(interaction, handler(self.index, typed, pick_locale(interaction.locale)))

        parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
        for option in declared.options:
            kind = app_commands.Range[str, option.low, option.high]
            parameters.append(inspect.Parameter(option.name, inspect.Parameter.KEYWORD_ONLY, annotation=kind if option.required else
                                                kind | None, default=inspect.Parameter.empty if option.required else None))
        # discord.py reads the options from the callback's signature: the declaration's, not **values.
        callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]  # read by inspect.signature
        if declared.options:
            app_commands.rename(**{option.name: text(f"opt.{option.name}.name") for option in declared.options})(callback)
            app_commands.describe(**{option.name: text(f"opt.{option.name}.description") for option in declared.options})(callback)
        command: app_commands.Command[Any, ..., None] = app_commands.Command(name=text(f"cmd.{declared.name}.name"), description=text(f"cmd.{declared.name}.description"),
                                       callback=callback)
        for option in declared.options:
            if option.complete is not None:
                command.autocomplete(option.name)(self._make_completion(option.complete))
        return command

    def _make_completion(self, source: str) -> Callable[[discord.Interaction, str], Coroutine[Any, Any, Choices]]:
        complete = {"entities": autocomplete.complete_entities, "days": autocomplete.complete_days,
                    "roles": autocomplete.complete_roles, "events": autocomplete.complete_events}[source]

        async def completion(interaction: discord.Interaction, current: str) -> Choices:
            return _choices(complete(self.index, current, pick_locale(interaction.locale)))

        return completion

    # --- the one place answers are sent ----------------------------------------------------
    async def _reply(self, interaction: discord.Interaction, answer: Answer) -> None:
        # What the member typed and is shown back ("I can't read the day …") stays inert text.
        shown = replace(answer, asked=escape_user_text(answer.asked),
                        detail={key: escape_user_text(value) for key, value in answer.detail.items()})
        pages = build_pages(compose_reply(self.index, shown))
        if not answer.ok:
            await interaction.response.send_message(embed=make_embed(pages[0]), ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        view = PageView(pages, interaction.user.id, answer.locale) if len(pages) > 1 else discord.utils.MISSING
        chart = await self._draw_chart(answer)
        files = [discord.File(io.BytesIO(chart), filename="chart.png")] if chart else discord.utils.MISSING
        embed = make_embed(pages[0])
        if chart:
            embed.set_image(url="attachment://chart.png")
        await interaction.response.send_message(embed=embed, view=view, files=files, allowed_mentions=NO_MENTIONS)
        if len(pages) > 1:
            view.message = await interaction.original_response()

    async def _draw_chart(self, answer: Answer) -> bytes | None:
        if answer.kind == "timeline" and answer.events:
            return await run_sync(draw_events_per_day, answer.events + answer.possible, answer.locale, self.index, answer.moment)
        if answer.kind == "role" and answer.tenures:
            title = phrase_role(self.index, answer.role, answer.of_entity, answer.locale) if answer.role else ""
            return await run_sync(draw_role_history, answer.tenures, answer.locale, title, self.index)
        return None


def _choices(found: list[autocomplete.Choice]) -> Choices:
    return [app_commands.Choice(name=choice.name[:100], value=choice.value[:100]) for choice in found[:25]]


async def setup(bot: SagaBot) -> None:
    await bot.add_cog(Answers(bot))
