"""The question commands: /who /when /what /timeline /role /quote /source /ask /help.

Each command checks nothing Discord cannot, makes one engine call (the console's functions),
and replies through `_reply`, the one place answers become embeds, pages and pictures.
"""
from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from ..answering import autocomplete, engine
from ..answering.answers import Answer
from ..answering.index import SagaIndex
from ..answering.phrasing import phrase_role
from ..answering.replies import compose_reply
from ..charts import draw_events_per_day, draw_role_history
from ..client import NO_MENTIONS, SagaBot
from ..pages import build_pages
from ..storage import run_sync
from ..translator import pick_locale, text
from ..views.pages import PageView, make_embed

Choices = list[app_commands.Choice[str]]


class Answers(commands.Cog):
    def __init__(self, bot: SagaBot) -> None:
        self.bot = bot

    @property
    def index(self) -> SagaIndex:
        return self.bot.index

    # --- commands --------------------------------------------------------------------------
    @app_commands.command(name=text("cmd.who.name"), description=text("cmd.who.description"))
    @app_commands.rename(description=text("opt.description.name"))
    @app_commands.describe(description=text("opt.description.description"))
    async def who(self, interaction: discord.Interaction, description: app_commands.Range[str, 1, 300]) -> None:
        await self._reply(interaction, engine.who(self.index, description, pick_locale(interaction.locale)))

    @app_commands.command(name=text("cmd.when.name"), description=text("cmd.when.description"))
    @app_commands.rename(description=text("opt.description.name"))
    @app_commands.describe(description=text("opt.description.description"))
    async def when(self, interaction: discord.Interaction, description: app_commands.Range[str, 1, 300]) -> None:
        await self._reply(interaction, engine.when(self.index, description, pick_locale(interaction.locale)))

    @app_commands.command(name=text("cmd.what.name"), description=text("cmd.what.description"))
    @app_commands.rename(entity=text("opt.entity.name"))
    @app_commands.describe(entity=text("opt.entity.description"))
    async def what(self, interaction: discord.Interaction, entity: app_commands.Range[str, 1, 200]) -> None:
        await self._reply(interaction, engine.what(self.index, entity, pick_locale(interaction.locale)))

    @app_commands.command(name=text("cmd.timeline.name"), description=text("cmd.timeline.description"))
    @app_commands.rename(day=text("opt.day.name"), entity=text("opt.entity.name"))
    @app_commands.describe(day=text("opt.day.description"), entity=text("opt.entity.description"))
    async def timeline(self, interaction: discord.Interaction, day: app_commands.Range[str, 1, 100] | None = None,
                       entity: app_commands.Range[str, 1, 200] | None = None) -> None:
        answer = engine.timeline(self.index, "", pick_locale(interaction.locale), day=day, entity=entity)
        await self._reply(interaction, answer)

    @app_commands.command(name=text("cmd.role.name"), description=text("cmd.role.description"))
    @app_commands.rename(role=text("opt.role.name"), date=text("opt.date.name"))
    @app_commands.describe(role=text("opt.role.description"), date=text("opt.date.description"))
    async def role(self, interaction: discord.Interaction, role: app_commands.Range[str, 1, 100],
                   date: app_commands.Range[str, 1, 100] | None = None) -> None:
        await self._reply(interaction, engine.role(self.index, role, pick_locale(interaction.locale), date=date))

    @app_commands.command(name=text("cmd.quote.name"), description=text("cmd.quote.description"))
    @app_commands.rename(words=text("opt.words.name"))
    @app_commands.describe(words=text("opt.words.description"))
    async def quote(self, interaction: discord.Interaction, words: app_commands.Range[str, 1, 300]) -> None:
        await self._reply(interaction, engine.quote(self.index, words, pick_locale(interaction.locale)))

    @app_commands.command(name=text("cmd.source.name"), description=text("cmd.source.description"))
    @app_commands.rename(event=text("opt.event.name"))
    @app_commands.describe(event=text("opt.event.description"))
    async def source(self, interaction: discord.Interaction, event: app_commands.Range[str, 1, 300]) -> None:
        await self._reply(interaction, engine.source(self.index, event, pick_locale(interaction.locale)))

    @app_commands.command(name=text("cmd.ask.name"), description=text("cmd.ask.description"))
    @app_commands.rename(question=text("opt.question.name"))
    @app_commands.describe(question=text("opt.question.description"))
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]) -> None:
        await self._reply(interaction, engine.ask(self.index, question, pick_locale(interaction.locale)))

    @app_commands.command(name=text("cmd.help.name"), description=text("cmd.help.description"))
    async def help(self, interaction: discord.Interaction) -> None:
        await self._reply(interaction, engine.help_answer(pick_locale(interaction.locale)))

    # --- autocomplete ----------------------------------------------------------------------
    @what.autocomplete("entity")
    @timeline.autocomplete("entity")
    async def complete_entity(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(autocomplete.complete_entities(self.index, current, pick_locale(interaction.locale)))

    @timeline.autocomplete("day")
    @role.autocomplete("date")
    async def complete_day(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(autocomplete.complete_days(self.index, current, pick_locale(interaction.locale)))

    @role.autocomplete("role")
    async def complete_role(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(autocomplete.complete_roles(self.index, current, pick_locale(interaction.locale)))

    @source.autocomplete("event")
    async def complete_event(self, interaction: discord.Interaction, current: str) -> Choices:
        return _choices(autocomplete.complete_events(self.index, current, pick_locale(interaction.locale)))

    # --- the one place answers are sent ----------------------------------------------------
    async def _reply(self, interaction: discord.Interaction, answer: Answer) -> None:
        pages = build_pages(compose_reply(self.index, answer))
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
            return await run_sync(draw_events_per_day, tuple(answer.events + answer.possible), answer.locale)
        if answer.kind == "role" and answer.tenures:
            title = phrase_role(self.index, answer.role, answer.of_entity, answer.locale) if answer.role else ""
            return await run_sync(draw_role_history, tuple(answer.tenures), answer.locale, title)
        return None


def _choices(found: list[autocomplete.Choice]) -> Choices:
    return [app_commands.Choice(name=choice.name[:100], value=choice.value[:100]) for choice in found[:25]]


async def setup(bot: SagaBot) -> None:
    await bot.add_cog(Answers(bot))
