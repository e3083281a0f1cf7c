"""Every slash command and option, with generated values (hypothesis), sent as Discord sends them
through the loopback stand-in to the real client: each interaction gets an answer, never the
"this command failed" apology nor an error in the log, and no member's words come back as a
live mention or link. The commands and their options are read from the bot's own command tree,
so a new command or option is fuzzed as soon as it is declared."""
from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import discord
import pytest
import yarl
from discord import app_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.index import load_index
from bot.client import SagaBot
from bot.commands import COMMANDS
from bot.messages import say
from bot.settings import Settings

from .discord_harness import start_bot, stop_bot
from .discord_standin import ALL_PERMISSIONS, CHANNEL_ID, GUILD_ID, MEMBER_IDS, DiscordStandIn, Recorded, user_payload

T = TypeVar("T")
TOKEN = "MTAx.fuzz.secret"
# Member text that must never come back live: a ping, a role ping, a masked link.
DANGEROUS = ("@everyone", "@here", "<@&456>", "[free](https://evil.example)")
NASTY = st.sampled_from([
    "", " ", "0", "-1", "99999999999999999999999", "²", "\u0662\u0660\u0662\u0663-\u0661\u0661-\u0661\u0669",
    "9999-12-31T23:59+00:00", *DANGEROUS, "<#12>", "**bold**", "dimanche", "Friday", "2023-11-19", "25:99", "Mars/Olympus",
    "who fired Altman?", "qui a viré Altman ?", "Altman", "Murati", "CEO", "\x00", "é" * 120, "x" * 1200,
])
# How each would render live on Discord: a ping, a role mention, a masked link (an unescaped
# bracket), a bare link.
LIVE_FORMS = {"@everyone": re.compile("@everyone"), "@here": re.compile("@here"), "<@&456>": re.compile("<@&"),
              "[free](https://evil.example)": re.compile(r"(?<!\\)\[free\]\(|https://evil")}
FAILED = {say("discord.failed", "fr"), say("discord.failed", "en")}


@dataclass(frozen=True)
class Entry:
    """One slash command (or subcommand) as members can call it."""

    name: str
    sub: str | None
    parameters: tuple[app_commands.Parameter, ...]


class LiveBot:
    """The stand-in and the real client, on an event loop of their own in a thread, so that a
    plain (sync) hypothesis test can drive them one interaction at a time."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        async def cancel_the_rest() -> None:
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        self.call(cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class ErrorCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Live:
    runner: LiveBot
    standin: DiscordStandIn
    bot: SagaBot
    entries: list[Entry]
    errors: ErrorCatcher


def list_entries(bot: SagaBot) -> list[Entry]:
    entries = []
    for command in bot.tree.get_commands():
        if isinstance(command, app_commands.Group):
            entries += [Entry(command.name, sub.name, tuple(sub.parameters)) for sub in command.commands
                        if isinstance(sub, app_commands.Command)]
        elif isinstance(command, app_commands.Command):
            entries.append(Entry(command.name, None, tuple(command.parameters)))
    return entries


@pytest.fixture(scope="module")
def live(saga_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("slash")
    settings_ = Settings(root=folder, data_dir=folder, seeds_dir=folder, saga_db=saga_db_path, state_db=folder / "state.db",
                         health_file=folder / "health.json", quiz_question_seconds=1.0, quiz_reveal_seconds=0.1)
    runner = LiveBot()
    standin = DiscordStandIn(guild_locale="fr")
    errors = ErrorCatcher()
    logging.getLogger("sagabot").addHandler(errors)
    with pytest.MonkeyPatch.context() as patch:
        runner.call(standin.start())
        patch.setattr(discord.http.Route, "BASE", standin.api_base)
        patch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway_url))
        bot, task = runner.call(start_bot(standin, settings_, load_index(saga_db_path), TOKEN))
        try:
            yield Live(runner, standin, bot, list_entries(bot), errors)
        finally:
            runner.call(stop_bot(bot, task))
            runner.call(standin.stop())
            runner.close()
            logging.getLogger("sagabot").removeHandler(errors)


def draw_value(draw: st.DrawFn, parameter: app_commands.Parameter) -> Any:
    kind = parameter.type
    if kind is discord.AppCommandOptionType.string:
        choices = [choice.value for choice in parameter.choices]
        return draw(st.one_of(NASTY, st.text(max_size=40), *([st.sampled_from(choices)] if choices else [])))
    if kind is discord.AppCommandOptionType.integer:
        return draw(st.one_of(st.integers(-5, 30), st.integers(-(2**53), 2**53)))
    if kind is discord.AppCommandOptionType.number:
        return draw(st.floats(-1e9, 1e9, allow_nan=False))
    if kind is discord.AppCommandOptionType.boolean:
        return draw(st.booleans())
    if kind is discord.AppCommandOptionType.channel:
        return str(CHANNEL_ID)
    if kind is discord.AppCommandOptionType.user:
        return str(draw(st.sampled_from(MEMBER_IDS)))
    raise AssertionError(f"the fuzz knows no option of type {kind}: teach it")


@st.composite
def interactions(draw: st.DrawFn, entries: list[Entry]) -> tuple[Entry, list[dict[str, Any]], str, str | None]:
    entry = draw(st.sampled_from(entries))
    given = [parameter for parameter in entry.parameters if parameter.required or draw(st.booleans())]
    options = [{"name": str(parameter.display_name), "type": parameter.type.value, "value": draw_value(draw, parameter)}
               for parameter in given]
    locale = draw(st.sampled_from(["fr", "en-US", "de"]))
    # Sometimes the member is still typing an option that has autocomplete.
    focused = draw(st.sampled_from([None, *[str(parameter.display_name) for parameter in given if parameter.autocomplete]]))
    return entry, options, locale, focused


def build_payload(standin: DiscordStandIn, entry: Entry, options: list[dict[str, Any]], locale: str,
                  focused: str | None) -> dict[str, Any]:
    if focused is not None:
        options = [{**option, "value": str(option["value"]), "focused": True} if option["name"] == focused else option
                   for option in options]
    name, group = (entry.name, entry.sub) if entry.sub else (entry.name, None)
    payload = standin.make_interaction(name, options, locale=locale, subcommand_group=group, kind=4 if focused else 2)
    resolved: dict[str, Any] = {}
    for option in options:
        if option["type"] == discord.AppCommandOptionType.user.value:
            user = user_payload(int(option["value"]), f"member{MEMBER_IDS.index(int(option['value'])) + 1}")
            resolved.setdefault("users", {})[option["value"]] = user
            resolved.setdefault("members", {})[option["value"]] = {
                "roles": [], "joined_at": "2023-11-17T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
                "permissions": ALL_PERMISSIONS}
    if resolved:
        payload["data"]["resolved"] = resolved
    if any(option["type"] == discord.AppCommandOptionType.channel.value for option in options):
        payload["data"].setdefault("resolved", {})["channels"] = {str(CHANNEL_ID): {
            "id": str(CHANNEL_ID), "type": 0, "name": "saga", "guild_id": str(GUILD_ID), "permissions": ALL_PERMISSIONS,
            "position": 0, "parent_id": None, "nsfw": False, "topic": None, "last_message_id": None,
            "rate_limit_per_user": 0, "permission_overwrites": []}}
    return payload


def collect_text(request: Recorded) -> str:
    """Everything a member could read in what the bot sent: content, embeds, choices' names."""
    body = request.json or {}
    data = body.get("data", body) if isinstance(body, dict) else {}
    if not isinstance(data, dict):
        return ""
    parts = [data.get("content") or ""]
    for embed in data.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or "", (embed.get("footer") or {}).get("text") or ""]
        parts += [f"{field.get('name')} {field.get('value')}" for field in embed.get("fields") or []]
    parts += [choice.get("name", "") for choice in data.get("choices") or []]
    return "\n".join(parts)


async def send_and_collect(standin: DiscordStandIn, payload: dict[str, Any]) -> list[Recorded]:
    """The interaction's answer, and for a deferred one the follow-up that completes it."""
    start = await standin.send_interaction(payload)
    callback = await standin.wait_callback(payload, start, timeout=30)
    sent = [callback]
    if (callback.json or {}).get("type") == 5:  # deferred: the answer follows through the webhook
        token = payload["token"]
        sent.append(await standin.wait_for(lambda r: "/webhooks/" in r.path and token in r.path, 30, start))
    return sent


@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_slash_command_answers_clearly_whatever_it_is_given(live: Live, data: st.DataObject) -> None:
    entry, options, locale, focused = data.draw(interactions(live.entries))
    payload = build_payload(live.standin, entry, options, locale, focused)
    live.errors.records.clear()
    sent = live.runner.call(send_and_collect(live.standin, payload))
    assert not live.errors.records, [record.getMessage() for record in live.errors.records]
    for request in sent:
        assert request.status in (200, 204)
        text = collect_text(request)
        finished = request.method == "DELETE" or (request.json or {}).get("type") in (5, 8)  # closed, deferred, choices
        assert text.strip() or finished or request.files, "an empty answer"
        assert not FAILED & set(text.splitlines()), text
        data_ = (request.json or {}).get("data", request.json or {})
        if focused is None and isinstance(data_, dict) and ("content" in data_ or "embeds" in data_):
            assert data_.get("allowed_mentions") == {"parse": []}
        typed = " ".join(str(option["value"]) for option in options)
        for dangerous, live_form in LIVE_FORMS.items():
            if dangerous in typed:
                assert not live_form.search(text), f"{dangerous!r} came back live: {text!r}"


def test_the_fuzz_covers_every_declared_command_and_option(live: Live) -> None:
    fuzzed = {(entry.name, entry.sub): {str(p.display_name) for p in entry.parameters} for entry in live.entries}
    declared = {}
    for command in COMMANDS:
        for part in command.subcommands or (command,):
            if not part.console_only:
                key = (command.name, part.action if part is not command else None)
                declared[key] = {option.name for option in part.options if not option.console_only}
    assert fuzzed == declared


@pytest.mark.parametrize(("name", "sub", "option", "value", "expected"), [
    ("quiz", "leaderboard", "period", "forever", "takes one of: all, month, week"),
    ("quiz", "start", "questions", 999, "takes a number from 5 to 20"),
    ("quiz", "start", "difficulty", "", "takes one of: easy, medium, hard"),
    ("who", None, "description", "x" * 1200, "takes 1 to 300 characters"),
])
def test_a_value_no_discord_client_offers_gets_what_is_expected(live: Live, name: str, sub: str | None, option: str, value: object,
                                                                expected: str) -> None:
    payload = live.standin.make_interaction(name, [{"name": option, "type": 4 if isinstance(value, int) else 3, "value": value}],
                                            subcommand_group=sub)
    live.errors.records.clear()
    (answer,) = live.runner.call(send_and_collect(live.standin, payload))
    assert answer.json["data"]["flags"] & 64 and expected in answer.json["data"]["content"]
    assert not live.errors.records
