"""/recap subscribe | unsubscribe | list | pause | resume | preview, and the scheduler that posts.

Scheduling, composing and delivery rules live in `bot.recap` (plain Python); this cog checks
Discord permissions, calls one `bot.recap.commands` function per command, and gives the
scheduler its two Discord-facing functions: `_send`, which posts an embed with an idempotency
nonce and reports how it went, and `_look_up`, which reads a channel's history for a post a crash
interrupted.
"""
from __future__ import annotations

import builtins
import logging
import re
import zoneinfo
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from ..client import NO_MENTIONS, SagaBot
from ..commands import RECAP, find_option, find_subcommand
from ..answering.phrasing import shorten_echo
from ..messages import say
from ..quiz.daily import judge_daily_answer, make_daily_question, phrase_daily_question
from ..recap import commands as recap
from ..recap.delivery import LOOKUP_LIMIT, SeenMessage, SendResult, Sought, judge_history
from ..recap.layout import layout_post
from ..recap.posts import Post
from ..recap.clock import SystemClock
from ..recap.pacing import Pacer
from ..recap.scheduler import RecapScheduler
from ..storage import run_sync
from ..translator import escape_user_text, make_choices, pick_locale, text

log = logging.getLogger("sagabot.recap")
TIMEZONES = sorted(zoneinfo.available_timezones())
# Discord's type of a channel option.
CHANNEL_OPTION = 7
# The loop that posts recaps when due, under the bot's supervisor.
SCHEDULER = "recap scheduler"
# The options as bot.commands declares them (the console parses the same declarations).
_SUBSCRIBE = find_subcommand(RECAP, "recap_subscribe")
_TIME, _TIMEZONE, _MODE = (find_option(_SUBSCRIBE, name) for name in ("time", "timezone", "mode"))
_DAY = find_option(find_subcommand(RECAP, "recap_preview"), "day")


class DailyQuestion(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"recap-q:(?P<event>[a-z0-9-]+)"):
    """The "question of the day" button under a post: asks its question to the member alone."""

    def __init__(self, event_id: str, label: str = "?") -> None:
        self.event_id = event_id
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary, custom_id=f"recap-q:{event_id}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> DailyQuestion:
        return cls(match["event"])

    async def callback(self, interaction: discord.Interaction) -> None:
        locale = pick_locale(interaction.locale)
        question = await run_sync(make_daily_question, cast(SagaBot, interaction.client).index, self.event_id)
        if question is None:
            await interaction.response.send_message(say("daily.none", locale), ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        view = discord.ui.View(timeout=None)
        for choice in range(len(question.choices)):
            view.add_item(DailyAnswer(self.event_id, choice))
        await interaction.response.send_message(phrase_daily_question(question, locale), view=view, ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)


class DailyAnswer(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"recap-a:(?P<event>[a-z0-9-]+):(?P<choice>\d)"):
    """One answer to the question of the day; judged against the same question, rebuilt."""

    def __init__(self, event_id: str, choice: int) -> None:
        self.event_id, self.choice = event_id, choice
        super().__init__(discord.ui.Button(label=str(choice + 1), custom_id=f"recap-a:{event_id}:{choice}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> DailyAnswer:
        return cls(match["event"], int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        locale = pick_locale(interaction.locale)
        question = await run_sync(make_daily_question, cast(SagaBot, interaction.client).index, self.event_id)
        reply = say("daily.none", locale) if question is None else judge_daily_answer(question, self.choice, locale)
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)


def _guild_id(interaction: discord.Interaction) -> int:
    """The cog is guild_only: Discord never sends its commands from outside a server."""
    assert interaction.guild_id is not None
    return interaction.guild_id


def find_member_permissions(data: Mapping[str, Any], typed_in: discord.Permissions) -> discord.Permissions:
    """The member's permissions in the channel a recap command names (Discord resolves them in the
    interaction, channel by channel), or in the channel it was typed in when it names none."""
    options = list(data.get("options") or [])
    while options and options[0].get("type") in (1, 2):  # the subcommand (group) around the options
        options = list(options[0].get("options") or [])
    named = next((option.get("value") for option in options if option.get("type") == CHANNEL_OPTION), None)
    if named is None:
        return typed_in
    resolved = (data.get("resolved") or {}).get("channels", {}).get(str(named), {})
    # a channel Discord did not resolve for this member grants nothing
    return discord.Permissions(int(resolved.get("permissions") or 0))


def _pick_channel(interaction: discord.Interaction, channel: discord.TextChannel | None) -> discord.abc.Snowflake:
    """The channel named in the command, else the one it was typed in (always known for a slash command)."""
    target = channel or interaction.channel
    assert target is not None
    return target


def make_post_view(post: Post) -> discord.ui.View | None:
    if post.quiz_event_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(DailyQuestion(post.quiz_event_id, recap.describe_quiz_button(post)))
    return view


def make_post_embed(post: Post) -> discord.Embed:
    laid = layout_post(post)
    embed = discord.Embed(title=laid.title, description=laid.description, colour=discord.Colour.dark_teal())
    if laid.footer:
        embed.set_footer(text=laid.footer)
    return embed


def echo_inert(typed: str) -> str:
    """A member's words shown back in a refusal: short, and with no live mention, link or markdown."""
    return escape_user_text(shorten_echo(typed))


@app_commands.guild_only()
@app_commands.default_permissions(manage_channels=True)
class Recap(commands.GroupCog, group_name=text("cmd.recap.name"), group_description=text("cmd.recap.description")):
    def __init__(self, bot: SagaBot) -> None:
        self.bot = bot
        clock = getattr(bot, "recap_clock", None) or SystemClock()
        self.scheduler = RecapScheduler(bot.state, bot.index, clock=clock, pacer=Pacer(clock, rate=bot.rest_budget.rate, burst=bot.rest_budget.burst),
                                        owns_guild=bot.owns_guild)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DailyQuestion, DailyAnswer)
        self.bot.supervisor.start(SCHEDULER, self._run)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DailyQuestion, DailyAnswer)
        self.bot.supervisor.stop(SCHEDULER)
        self.scheduler.stop()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """The real check behind default_permissions, which a server can override: Manage Channels
        on the channel the command acts on (the one named, else the one it is typed in)."""
        if find_member_permissions(interaction.data or {}, interaction.permissions).manage_channels:
            return True
        await interaction.response.send_message(recap.describe_permission_needed(pick_locale(interaction.locale)),
                                                ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    # --- commands --------------------------------------------------------------------------
    @app_commands.command(name=text("cmd.recap_subscribe.name"), description=text("cmd.recap_subscribe.description"))
    @app_commands.rename(channel=text("opt.channel.name"), time=text("opt.time.name"), timezone_name=text("opt.timezone.name"),
                         mode=text("opt.mode.name"))
    @app_commands.describe(channel=text("opt.channel.description"), time=text("opt.time.description"),
                           timezone_name=text("opt.timezone.description"), mode=text("opt.mode.description"))
    @app_commands.choices(mode=make_choices(_MODE))
    async def subscribe(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None,
                        time: app_commands.Range[str, _TIME.low, _TIME.high] | None = None,
                        timezone_name: app_commands.Range[str, _TIMEZONE.low, _TIMEZONE.high] | None = None,
                        mode: str | None = None) -> None:
        locale = pick_locale(interaction.locale)
        target = _pick_channel(interaction, channel)
        missing = self._find_missing_permissions(interaction, target)
        if missing:
            await self._answer(interaction, recap.describe_missing_permissions(missing, target.id, locale))
            return
        reply = await run_sync(recap.subscribe, self.bot.state, self.bot.index, guild_id=_guild_id(interaction),
                               channel_id=target.id, post_locale=recap.pick_post_locale(str(interaction.guild_locale or "")),
                               reply_locale=locale, now=self._now(), time_text=time, timezone_name=timezone_name, mode=mode,
                               created_by=interaction.user.id, echo=echo_inert)
        self.scheduler.notify_changed()
        await self._answer(interaction, reply.text)

    @app_commands.command(name=text("cmd.recap_unsubscribe.name"), description=text("cmd.recap_unsubscribe.description"))
    @app_commands.rename(channel=text("opt.channel.name"))
    @app_commands.describe(channel=text("opt.channel.description"))
    async def unsubscribe(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        reply = await run_sync(recap.unsubscribe, self.bot.state, guild_id=_guild_id(interaction),
                               channel_id=_pick_channel(interaction, channel).id, reply_locale=pick_locale(interaction.locale))
        self.scheduler.notify_changed()
        await self._answer(interaction, reply.text)

    @app_commands.command(name=text("cmd.recap_list.name"), description=text("cmd.recap_list.description"))
    async def list(self, interaction: discord.Interaction) -> None:
        reply = await run_sync(recap.list_recaps, self.bot.state, self.bot.index, guild_id=_guild_id(interaction),
                               reply_locale=pick_locale(interaction.locale))
        await self._answer(interaction, reply.text)

    @app_commands.command(name=text("cmd.recap_pause.name"), description=text("cmd.recap_pause.description"))
    @app_commands.rename(channel=text("opt.channel.name"))
    @app_commands.describe(channel=text("opt.channel.description"))
    async def pause(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        reply = await run_sync(recap.pause, self.bot.state, guild_id=_guild_id(interaction),
                               channel_id=_pick_channel(interaction, channel).id,
                               reply_locale=pick_locale(interaction.locale), now=self._now())
        self.scheduler.notify_changed()
        await self._answer(interaction, reply.text)

    @app_commands.command(name=text("cmd.recap_resume.name"), description=text("cmd.recap_resume.description"))
    @app_commands.rename(channel=text("opt.channel.name"))
    @app_commands.describe(channel=text("opt.channel.description"))
    async def resume(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        reply = await run_sync(recap.resume, self.bot.state, self.bot.index, guild_id=_guild_id(interaction),
                               channel_id=_pick_channel(interaction, channel).id, reply_locale=pick_locale(interaction.locale),
                               now=self._now())
        self.scheduler.notify_changed()
        await self._answer(interaction, reply.text)

    @app_commands.command(name=text("cmd.recap_preview.name"), description=text("cmd.recap_preview.description"))
    @app_commands.rename(day=text("opt.day.name"))
    @app_commands.describe(day=text("opt.day.description"))
    async def preview(self, interaction: discord.Interaction, day: app_commands.Range[str, _DAY.low, _DAY.high] | None = None) -> None:
        reply = await run_sync(recap.preview, self.bot.state, self.bot.index, reply_locale=pick_locale(interaction.locale),
                               now=self._now(), day_text=day, channel_id=interaction.channel_id, guild_id=interaction.guild_id,
                               post_locale=pick_locale(interaction.locale), echo=echo_inert)
        embed = make_post_embed(reply.post) if reply.post is not None else discord.utils.MISSING
        await interaction.response.send_message(reply.text or None, embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @subscribe.autocomplete("timezone_name")
    async def complete_timezone(self, interaction: discord.Interaction, current: str) -> builtins.list[app_commands.Choice[str]]:
        typed = current.replace(" ", "_").casefold()
        found = [name for name in TIMEZONES if typed in name.casefold()] if typed else ["Europe/Paris", "UTC", "America/Los_Angeles"]
        return [app_commands.Choice(name=name, value=name) for name in found[:25]]

    # --- the scheduler's Discord side ------------------------------------------------------
    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        await self.scheduler.run(self._send, self._look_up)

    async def _send(self, channel_id: int, post: Post, nonce: str) -> SendResult:
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            view = make_post_view(post) or discord.utils.MISSING
            message = await channel.send(embed=make_post_embed(post), view=view, nonce=nonce, allowed_mentions=NO_MENTIONS)
        except discord.RateLimited as error:
            return SendResult(429, retry_after=error.retry_after)
        except discord.HTTPException as error:
            return SendResult(error.status, error.code)
        except (TimeoutError, aiohttp.ClientError, OSError):
            return SendResult(None)
        return SendResult(200, message_id=message.id)

    async def _look_up(self, sought: Sought) -> bool | None:
        """Is the post in the channel? Reads the channel's history from when the post could have
        been sent (one page, oldest first); `judge_history` decides."""
        me = self.bot.user
        if me is None:
            return None
        channel = self.bot.get_partial_messageable(sought.channel_id)
        try:
            history = [SeenMessage(message.created_at, message.author.id == me.id,
                                   None if message.nonce is None else str(message.nonce),
                                   tuple((embed.title, embed.description) for embed in message.embeds))
                       async for message in channel.history(limit=LOOKUP_LIMIT, after=sought.since, oldest_first=True)]
        except (discord.HTTPException, TimeoutError, aiohttp.ClientError, OSError) as error:
            log.warning("recap: could not read channel %s's history (%s): an interrupted post stays uncertain",
                        sought.channel_id, type(error).__name__)
            return None
        return judge_history(sought, history)

    def _now(self) -> datetime:
        return self.scheduler.clock.now() if self.scheduler.clock else datetime.now(UTC)

    def _find_missing_permissions(self, interaction: discord.Interaction, channel: object) -> builtins.list[str]:
        guild = interaction.guild
        if guild is None or guild.me is None or not isinstance(channel, discord.abc.GuildChannel):
            return []
        granted = channel.permissions_for(guild.me)
        return [name for name in recap.REQUIRED_PERMISSIONS if not getattr(granted, name)]

    async def _answer(self, interaction: discord.Interaction, reply: str) -> None:
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: SagaBot) -> None:
    await bot.add_cog(Recap(bot))
