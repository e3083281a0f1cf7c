"""/quiz start | stop | leaderboard | stats, and the four answer buttons.

The rules live in `bot.quiz` (plain Python); this cog only turns interactions into service
calls and the service's steps (a question opened, revealed, a quiz ended) into messages. One
driver task, started in `cog_load` and cancelled in `cog_unload`, sleeps until the earliest
deadline of any running quiz, or until a click or a start wakes it.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from ..answering.normalize import Locale
from ..client import NO_MENTIONS, SagaBot
from ..commands import DEFAULT_DIFFICULTY, DEFAULT_KIND, DEFAULT_PERIOD, QUIZ, find_option, find_subcommand
from ..quiz.generator import DEFAULT_QUESTIONS
from ..quiz.questions import Difficulty, KindChoice
from ..quiz.store import Period
from ..messages import say
from ..quiz import store
from ..quiz.service import QuizService
from ..quiz.session import Member, QuestionOpened, QuestionRevealed, QuizEnded, Rules, Step
from ..quiz.texts import (phrase_click, phrase_end, phrase_leaderboard, phrase_reveal, phrase_start, phrase_stats,
                          phrase_step, phrase_stop_denied)
from ..storage import run_sync
from ..translator import escape_user_text, make_choices, pick_locale, text

log = logging.getLogger("sagabot.quiz")
CHOICES = 4


def pick_public_locale(interaction: discord.Interaction) -> Locale:
    """Messages everyone in the channel reads follow the server's language; replies, the member's."""
    return pick_locale(interaction.guild_locale or interaction.locale)


def as_member(user: discord.abc.User) -> Member:
    # The name is shown in public messages (the start, standings, leaderboards): kept inert.
    return Member(str(user.id), escape_user_text(user.display_name), user.bot)


class QuizChoice(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"quiz:(?P<quiz>\d+):(?P<number>\d+):(?P<choice>\d)"):
    """One answer button; its custom id says which quiz, question and choice, so it works after a restart."""

    def __init__(self, quiz_id: int, number: int, choice: int, style: discord.ButtonStyle = discord.ButtonStyle.secondary,
                 disabled: bool = False) -> None:
        self.quiz_id, self.number, self.choice = quiz_id, number, choice
        super().__init__(discord.ui.Button(label=str(choice + 1), style=style, disabled=disabled,
                                           custom_id=f"quiz:{quiz_id}:{number}:{choice}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> QuizChoice:
        return cls(int(match["quiz"]), int(match["number"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        # Only SagaBot registers this item, and its setup always adds the Quiz cog.
        cog = cast("Quiz", cast(SagaBot, interaction.client).get_cog("Quiz"))
        await cog.handle_click(interaction, self.quiz_id, self.number, self.choice)


def make_buttons(quiz_id: int, number: int, right: int | None = None) -> discord.ui.View:
    """The four buttons: live while the question is open; at the reveal disabled, the right one green."""
    view = discord.ui.View(timeout=None)
    for choice in range(CHOICES):
        style = discord.ButtonStyle.success if choice == right else discord.ButtonStyle.secondary
        view.add_item(QuizChoice(quiz_id, number, choice, style=style, disabled=right is not None))
    return view


# The loop that reveals answers and opens the next questions, under the bot's supervisor.
DRIVER = "quiz driver"
# The options as bot.commands declares them (the console parses the same declarations).
_START = find_subcommand(QUIZ, "quiz_start")
_QUESTIONS, _DIFFICULTY, _KIND = (find_option(_START, name) for name in ("questions", "difficulty", "kind"))
_PERIOD = find_option(find_subcommand(QUIZ, "quiz_leaderboard"), "period")


@app_commands.guild_only()
class Quiz(commands.GroupCog, group_name=text("cmd.quiz.name"), group_description=text("cmd.quiz.description")):
    def __init__(self, bot: SagaBot) -> None:
        self.bot = bot
        rules = Rules(question_seconds=bot.settings.quiz_question_seconds, reveal_seconds=bot.settings.quiz_reveal_seconds)
        self.service = QuizService(bot.index, bot.state, rules, owns_guild=bot.owns_guild)
        self._messages: dict[tuple[int, int], discord.Message] = {}
        self._wake = asyncio.Event()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(QuizChoice)
        self.bot.supervisor.start(DRIVER, self._drive)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(QuizChoice)
        self.bot.supervisor.stop(DRIVER)

    # --- commands --------------------------------------------------------------------------
    @app_commands.command(name=text("cmd.quiz_start.name"), description=text("cmd.quiz_start.description"))
    @app_commands.rename(questions=text("opt.questions.name"), difficulty=text("opt.difficulty.name"), kind=text("opt.kind.name"))
    @app_commands.describe(questions=text("opt.questions.description"), difficulty=text("opt.difficulty.description"),
                           kind=text("opt.kind.description"))
    @app_commands.choices(difficulty=make_choices(_DIFFICULTY), kind=make_choices(_KIND))
    async def start(self, interaction: discord.Interaction,
                    questions: app_commands.Range[int, _QUESTIONS.low, _QUESTIONS.high] = DEFAULT_QUESTIONS,
                    difficulty: str = DEFAULT_DIFFICULTY, kind: str = DEFAULT_KIND) -> None:
        locale = pick_public_locale(interaction)
        # Discord offers only the declared choices
        difficulty, kind = cast(Difficulty, difficulty), cast(KindChoice, kind)
        result = await run_sync(self.service.start_quiz, str(interaction.guild_id), str(interaction.channel_id),
                                as_member(interaction.user), locale, time.time(), count=questions, difficulty=difficulty, kind=kind)
        reply = phrase_start(result, locale, escape_user_text(interaction.user.display_name), difficulty, kind)
        await interaction.response.send_message(reply, ephemeral=result.status != "started", allowed_mentions=NO_MENTIONS)
        if result.opened is not None:
            await self._publish([result.opened], locale)

    @app_commands.command(name=text("cmd.quiz_stop.name"), description=text("cmd.quiz_stop.description"))
    async def stop(self, interaction: discord.Interaction) -> None:
        locale = pick_locale(interaction.locale)
        can_manage = bool(interaction.permissions.manage_messages)
        outcome = await run_sync(self.service.stop_quiz, str(interaction.channel_id), str(interaction.user.id), can_manage, time.time())
        if outcome.status != "stopped":
            none = outcome.status == "none"
            reply = say("quiz.none", locale) if none else phrase_stop_denied(locale, f"<@{outcome.starter_id}>")
            await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.defer(thinking=False)
        await self._publish(list(outcome.steps), await self._locale_of(outcome.steps),
                            stopper=escape_user_text(interaction.user.display_name))
        # The standings are in the channel; a deferred answer left open would say "thinking…"
        # until Discord gives up on it.
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.info("could not remove the deferred answer to /quiz stop")

    @app_commands.command(name=text("cmd.quiz_leaderboard.name"), description=text("cmd.quiz_leaderboard.description"))
    @app_commands.rename(period=text("opt.period.name"))
    @app_commands.describe(period=text("opt.period.description"))
    @app_commands.choices(period=make_choices(_PERIOD))
    async def leaderboard(self, interaction: discord.Interaction, period: str = DEFAULT_PERIOD) -> None:
        period = cast(Period, period)  # Discord offers only the declared choices
        rows = await run_sync(self.service.read_leaderboard, str(interaction.guild_id), period, time.time())
        await interaction.response.send_message(phrase_leaderboard(rows, period, pick_locale(interaction.locale)),
                                                allowed_mentions=NO_MENTIONS)

    @app_commands.command(name=text("cmd.quiz_stats.name"), description=text("cmd.quiz_stats.description"))
    @app_commands.rename(member=text("opt.member.name"))
    @app_commands.describe(member=text("opt.member.description"))
    async def stats(self, interaction: discord.Interaction, member: discord.User | None = None) -> None:
        who = member or interaction.user
        found = await run_sync(self.service.read_member_stats, str(interaction.guild_id), str(who.id))
        await interaction.response.send_message(phrase_stats(found, escape_user_text(who.display_name), pick_locale(interaction.locale)),
                                                allowed_mentions=NO_MENTIONS)

    # --- clicks ----------------------------------------------------------------------------
    async def handle_click(self, interaction: discord.Interaction, quiz_id: int, number: int, choice: int) -> None:
        outcome = await run_sync(self.service.record_click, quiz_id, number, as_member(interaction.user), choice, time.time())
        reply = phrase_click(outcome.result.status, pick_locale(interaction.locale), outcome.choice_label)
        if reply is None:
            await interaction.response.defer()
        else:
            await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)
        if outcome.steps:
            await self._publish(list(outcome.steps), await self._locale_of(outcome.steps))
        self._wake.set()

    # --- the driver: deadlines, reveals, next questions ------------------------------------
    async def _drive(self) -> None:
        await self.bot.wait_until_ready()
        resumed = await run_sync(self.service.resume_quizzes, time.time())
        await self._publish(resumed, await self._locale_of(resumed))
        while True:
            wake_at = await run_sync(self.service.next_wakeup)
            timeout = None if wake_at is None else max(0.0, wake_at - time.time())
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass
            self._wake.clear()
            steps = await run_sync(self.service.advance_all, time.time())
            for quiz_steps in _group_by_quiz(steps):
                await self._publish(quiz_steps, await self._locale_of(quiz_steps))

    async def _locale_of(self, steps: list[Step] | tuple[Step, ...]) -> Locale:
        return await run_sync(store.read_quiz_locale, self.bot.state, steps[0].quiz_id) if steps else "en"

    async def _publish(self, steps: list[Step], locale: Locale, stopper: str | None = None) -> None:
        """Each step as a message: a new question, the reveal (an edit of the question), the standings."""
        for step in steps:
            if not step.channel_id.isdigit():
                # a quiz some other program left in this database (an old console's): not a Discord channel
                log.warning("skipping quiz %s of channel %r, which is not a Discord channel", step.quiz_id, step.channel_id)
                continue
            channel = self.bot.get_partial_messageable(int(step.channel_id))
            try:
                if isinstance(step, QuestionOpened):
                    message = await channel.send(phrase_step(step, locale), view=make_buttons(step.quiz_id, step.number),
                                                 allowed_mentions=NO_MENTIONS)
                    self._messages[(step.quiz_id, step.number)] = message
                    self._wake.set()
                elif isinstance(step, QuestionRevealed):
                    view = make_buttons(step.quiz_id, step.number, right=step.question.right)
                    asked = self._messages.pop((step.quiz_id, step.number), None)
                    if asked is not None:
                        await asked.edit(content=phrase_reveal(step, locale), view=view, allowed_mentions=NO_MENTIONS)
                    else:
                        await channel.send(phrase_reveal(step, locale), view=view, allowed_mentions=NO_MENTIONS)
                elif isinstance(step, QuizEnded):
                    await channel.send(phrase_end(step, locale, stopper), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                # The channel may be gone or closed to the bot: the quiz's state is saved all the same.
                log.warning("could not post quiz step %s in channel %s", type(step).__name__, step.channel_id, exc_info=True)


def _group_by_quiz(steps: list[Step]) -> list[list[Step]]:
    grouped: dict[int, list[Step]] = {}
    for step in steps:
        grouped.setdefault(step.quiz_id, []).append(step)
    return list(grouped.values())


async def setup(bot: SagaBot) -> None:
    await bot.add_cog(Quiz(bot))
