"""The real discord.py client against the loopback Discord stand-in: commands, autocomplete,
pages, pictures, errors, in French and English, in a guild and in DMs."""
from __future__ import annotations

import asyncio
import re
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import yarl

from bot.answering import engine
from bot.answering.index import SagaIndex
from bot.answering.replies import render
from bot.client import SagaBot
from bot.health import check_health
from bot.settings import Settings

from .discord_harness import start_bot, stop_bot
from .discord_standin import APPLICATION_ID, GUILD_ID, DiscordStandIn, Recorded

TOKEN = "MTAx.standin.secret-token-value"
EPHEMERAL = 64


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandIn]:
    fake = DiscordStandIn()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def live_bot(standin: DiscordStandIn, saga_index: SagaIndex, saga_db_path: Path, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SagaBot]:
    monkeypatch.setattr(discord.http.Route, "BASE", standin.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway_url))
    settings = Settings(root=tmp_path, data_dir=tmp_path, seeds_dir=tmp_path, saga_db=saga_db_path,
                        state_db=tmp_path / "state.db", health_file=tmp_path / "health.json")
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN)
    yield bot
    await stop_bot(bot, runner)


def option(name: str, value: str, focused: bool = False) -> dict:
    data = {"name": name, "type": 3, "value": value}
    if focused:
        data["focused"] = True
    return data


async def ask(standin: DiscordStandIn, name: str, options: list[dict] | None = None, **kwargs) -> tuple[dict, Recorded]:
    payload = standin.make_interaction(name, options, **kwargs)
    start = await standin.send_interaction(payload)
    return payload, await standin.wait_callback(payload, start)


def embed_text(callback: Recorded) -> str:
    embed = callback.json["data"]["embeds"][0]
    fields = " ".join(f"{f['name']} {f['value']}" for f in embed.get("fields", []))
    return " ".join([embed.get("title", ""), embed.get("description", "") or "", fields])


async def test_connects_with_the_guilds_intent_only(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    assert standin.identify is not None
    assert standin.identify["intents"] == discord.Intents(guilds=True).value == 1
    assert standin.find("GET", r"^/users/@me$") and standin.find("GET", r"^/oauth2/applications/@me$")
    assert live_bot.application_id == APPLICATION_ID
    assert [guild.id for guild in live_bot.guilds] == [GUILD_ID]


@pytest.mark.parametrize(
    ("locale", "question", "expected"),
    [("fr", "qui a viré Altman ?", "Le conseil d'administration d'OpenAI"), ("en-US", "who fired altmann", "OpenAI board"),
     ("en-US", "who replaced Murati", "Emmett Shear"), ("fr", "qui est le PDG de Google ?", "Les articles ne disent pas")],
)
async def test_who_answers_in_the_members_language(live_bot: SagaBot, standin: DiscordStandIn, locale: str,
                                                     question: str, expected: str) -> None:
    _, callback = await ask(standin, "who", [option("description", question)], locale=locale)
    assert callback.query.get("with_response") in ("1", "true", "True")
    assert callback.json["type"] == 4
    text = embed_text(callback)
    assert expected in text
    # The same engine and words as the console: its first line is the embed's title.
    console = render(live_bot.index, engine.who(live_bot.index, question, "fr" if locale == "fr" else "en"))
    assert callback.json["data"]["embeds"][0]["title"] == console.split("\n")[0].replace("**", "")
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_french_reply_has_french_dates_and_english_reply_english(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    _, fr = await ask(standin, "when", [option("description", "Brockman démissionne")], locale="fr")
    _, en = await ask(standin, "when", [option("description", "Brockman resigns")], locale="en-GB")
    assert "vendredi 17 novembre 2023" in embed_text(fr).lower()
    assert "friday 17 november 2023" in embed_text(en).lower()


async def test_a_command_works_in_direct_messages(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    _, callback = await ask(standin, "ask", [option("question", "how many employees signed the letter?")], in_guild=False)
    text = embed_text(callback)
    assert "505" in text and "500" in text


async def test_autocomplete_offers_typo_tolerant_choices(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    _, callback = await ask(standin, "what", [option("entity", "murat", focused=True)], kind=4, locale="fr")
    assert callback.json["type"] == 8
    choices = callback.json["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert choices[0]["name"].startswith("Mira Murati")
    assert all(len(choice["name"]) <= 100 and len(choice["value"]) <= 100 for choice in choices)


async def test_long_timeline_is_paginated_for_the_asker_only_with_a_chart(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    payload, callback = await ask(standin, "timeline", [], locale="en-US")
    assert callback.files and callback.files[0][1].startswith(b"\x89PNG")
    data = callback.json["data"]
    assert data["embeds"][0]["image"]["url"] == "attachment://chart.png"
    assert data["embeds"][0]["footer"]["text"].startswith("Page 1/")
    buttons = data["components"][0]["components"]
    previous, following = buttons[0], buttons[1]
    assert previous["disabled"] is True and following.get("disabled", False) is False
    message = standin.originals[payload["token"]]
    # Another member presses "next": refused, only to them.
    intruder = standin.make_interaction("", kind=3, user_index=1, message=message,
                                        component={"custom_id": following["custom_id"], "component_type": 2})
    start = await standin.send_interaction(intruder)
    refused = await standin.wait_callback(intruder, start)
    assert refused.json["type"] == 4 and refused.json["data"]["flags"] & EPHEMERAL
    # The asker presses "next": the message turns to page 2.
    owner = standin.make_interaction("", kind=3, user_index=0, message=message,
                                     component={"custom_id": following["custom_id"], "component_type": 2})
    start = await standin.send_interaction(owner)
    turned = await standin.wait_callback(owner, start)
    assert turned.json["type"] == 7
    assert turned.json["data"]["embeds"][0]["footer"]["text"].startswith("Page 2/")
    assert turned.json["data"]["allowed_mentions"] == {"parse": []}


async def test_role_attaches_a_chart_of_who_held_the_post(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    _, callback = await ask(standin, "role", [option("role", "interim CEO"), option("date", "2023-11-18")], locale="en-US")
    assert "Mira Murati" in embed_text(callback)
    assert callback.files and callback.files[0][1].startswith(b"\x89PNG")


async def test_bad_input_gets_an_ephemeral_message_saying_what_is_expected(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    _, callback = await ask(standin, "timeline", [option("day", "the day after never")], locale="en-US")
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert "Expected" in embed_text(callback) or "expected" in embed_text(callback)


async def test_a_failing_command_answers_briefly_and_logs_the_traceback(live_bot: SagaBot, standin: DiscordStandIn,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom with {TOKEN}")

    monkeypatch.setattr(engine, "ask", explode)
    from bot.secrets_filter import TokenRedactor

    caplog.handler.addFilter(TokenRedactor([TOKEN]))
    with caplog.at_level(logging.ERROR, logger="sagabot.discord"):
        _, callback = await ask(standin, "ask", [option("question", "anything")], locale="fr")
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert "Désolé" in callback.json["data"]["content"]
    record = next(r for r in caplog.records if r.name == "sagabot.discord")
    assert "RuntimeError" in (record.exc_text or "")
    assert TOKEN not in caplog.text and "[token redacted]" in caplog.text


@pytest.mark.parametrize("status", [500, 429])
async def test_a_transient_error_on_the_callback_is_retried(live_bot: SagaBot, standin: DiscordStandIn, status: int) -> None:
    standin.fail_next("POST", r"/interactions/\d+/[^/]+/callback", status, retry_after=0.05)
    payload = standin.make_interaction("who", [option("description", "who fired Altman")])
    start = await standin.send_interaction(payload)
    first = await standin.wait_callback(payload, start, timeout=15)
    assert first.status == status
    retried = await standin.wait_for(lambda r: r.path.endswith("/callback") and r.status == 200, 15, start)
    assert "OpenAI board" in embed_text(retried)


@pytest.mark.parametrize("status", [403, 404])
async def test_a_refused_callback_is_logged_and_the_bot_keeps_serving(live_bot: SagaBot, standin: DiscordStandIn,
                                                                     status: int, caplog: pytest.LogCaptureFixture) -> None:
    standin.fail_next("POST", r"/interactions/\d+/[^/]+/callback", status, times=2)
    with caplog.at_level(logging.ERROR, logger="sagabot.discord"):
        payload = standin.make_interaction("who", [option("description", "who fired Altman")])
        start = await standin.send_interaction(payload)
        await standin.wait_callback(payload, start)
        for _ in range(50):
            if any(r.name == "sagabot.discord" for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    assert any("failed" in r.getMessage() for r in caplog.records if r.name == "sagabot.discord")
    _, callback = await ask(standin, "who", [option("description", "who fired Altman")])
    assert callback.status == 200 and "OpenAI board" in embed_text(callback)


async def test_sync_sends_every_command_with_french_localisations(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    await live_bot.tree.sync()
    (request,) = standin.find("PUT", rf"^/applications/{APPLICATION_ID}/commands$")
    names = sorted(command["name"] for command in request.json)
    assert names == sorted(["ask", "help", "quiz", "quote", "recap", "role", "source", "timeline", "what", "when", "who"])
    who = next(command for command in request.json if command["name"] == "who")
    assert who["name_localizations"]["fr"] == "qui"
    assert who["options"][0]["name_localizations"]["fr"] == "description"
    assert who["description_localizations"]["fr"].startswith("Qui")


async def test_the_heartbeat_reports_a_healthy_connected_bot(live_bot: SagaBot) -> None:
    health = live_bot.get_cog("Health")
    health.beat()  # type: ignore[union-attr]  # the cog is loaded
    assert check_health(live_bot.settings) == 0


async def test_a_members_words_shown_back_are_inert(live_bot: SagaBot, standin: DiscordStandIn) -> None:
    typed = "@everyone [free](https://evil.example) <@&456>"
    _, callback = await ask(standin, "timeline", [option("day", typed)])
    shown = embed_text(callback)
    assert "I can't read the day" in shown
    # no masked link, no mention: the brackets escaped, a zero-width space after @ and <
    assert re.search(r"(?<!\\)\[free\]\(", shown) is None and "\\[free]" in shown
    assert "@everyone" not in shown and "<@&456>" not in shown
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}
