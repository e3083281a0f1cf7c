"""A quiz played through the loopback Discord stand-in: three members click buttons, the reveal
edits the question, the leaderboard reflects it, and it all survives a restart."""
from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import yarl

from bot.answering.index import SagaIndex
from bot.settings import Settings

from .conftest import FailOnce
from .discord_harness import start_bot, stop_bot
from .discord_standin import CHANNEL_ID, DiscordStandIn, Recorded

TOKEN = "MTAx.quiz.secret"
EPHEMERAL = 64


@pytest.fixture
def settings(saga_db_path: Path, tmp_path: Path) -> Settings:
    return Settings(root=tmp_path, data_dir=tmp_path, seeds_dir=tmp_path, saga_db=saga_db_path, state_db=tmp_path / "state.db",
                    health_file=tmp_path / "health.json", quiz_question_seconds=2.0, quiz_reveal_seconds=0.2)


@pytest.fixture(params=["fr", "en-US"])
async def standin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordStandIn]:
    fake = DiscordStandIn(guild_locale=request.param)
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield fake
    await fake.stop()


def quiz_command(standin: DiscordStandIn, sub: str, options: list[dict] | None = None, user_index: int = 0, **kwargs) -> dict:
    return standin.make_interaction("quiz", options or [], subcommand_group=sub, user_index=user_index,
                                    locale=standin.guild_locale, **kwargs)


async def send(standin: DiscordStandIn, payload: dict) -> Recorded:
    start = await standin.send_interaction(payload)
    return await standin.wait_callback(payload, start)


def click(standin: DiscordStandIn, message: dict, custom_id: str, user_index: int) -> dict:
    return standin.make_interaction("", kind=3, user_index=user_index, message=message, locale=standin.guild_locale,
                                    component={"custom_id": custom_id, "component_type": 2})


def posted_question(request: Recorded) -> bool:
    components = (request.json or {}).get("components") or []
    return request.method == "POST" and request.path == f"/channels/{CHANNEL_ID}/messages" and bool(components)


async def test_three_members_play_and_the_leaderboard_counts_it(standin: DiscordStandIn, settings: Settings,
                                                               saga_index: SagaIndex) -> None:
    french = standin.guild_locale == "fr"
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN)
    started = await send(standin, quiz_command(standin, "start", [{"name": "questions", "type": 4, "value": 5},
                                                                   {"name": "kind", "type": 3, "value": "who"}]))
    assert ("Quiz lancé" if french else "Quiz started") in started.json["data"]["content"]
    question = await standin.wait_for(posted_question)
    buttons = question.json["components"][0]["components"]
    assert [b["label"] for b in buttons] == ["1", "2", "3", "4"]
    quiz_id, number = map(int, re.match(r"quiz:(\d+):(\d+):\d", buttons[0]["custom_id"]).groups())
    session = bot.get_cog("Quiz").service.find_running(str(CHANNEL_ID))  # type: ignore[union-attr]  # the cog is loaded
    right = session.question.right
    wrong = (right + 1) % 4
    message = {**standin._message(question.json, question, channel_id=str(CHANNEL_ID))}

    answers = [(0, right), (1, right), (2, wrong)]
    for user_index, choice in answers:
        reply = await send(standin, click(standin, message, f"quiz:{quiz_id}:{number}:{choice}", user_index))
        assert reply.json["data"]["flags"] & EPHEMERAL
        assert ("Réponse enregistrée" if french else "Answer recorded") in reply.json["data"]["content"]
    again = await send(standin, click(standin, message, f"quiz:{quiz_id}:{number}:{wrong}", 0))
    assert again.json["data"]["flags"] & EPHEMERAL
    assert ("Réponse enregistrée" if french else "Answer recorded") not in again.json["data"]["content"]

    # The reveal edits the question: buttons disabled, the right one green, the share on each choice.
    reveal = await standin.wait_for(lambda r: r.method == "PATCH" and r.path.startswith(f"/channels/{CHANNEL_ID}/messages/"), 10)
    revealed = reveal.json["components"][0]["components"]
    assert all(b.get("disabled") for b in revealed)
    assert [b["style"] for b in revealed].count(3) == 1 and revealed[right]["style"] == 3
    assert "67" in reveal.json["content"] and "33" in reveal.json["content"]
    assert reveal.json["allowed_mentions"] == {"parse": []}

    # A late click on the revealed question is refused, only to the member.
    late = await send(standin, click(standin, message, f"quiz:{quiz_id}:{number}:{right}", 1))
    assert late.json["data"]["flags"] & EPHEMERAL

    stopped = await send(standin, quiz_command(standin, "stop"))
    assert stopped.json["type"] == 5  # acknowledged; the standings follow in the channel
    await standin.wait_for(lambda r: r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"
                           and "member1" in ((r.json or {}).get("content") or ""), 10)
    # ... and the deferred answer is closed, not left "thinking" until Discord gives up on it.
    await standin.wait_for(lambda r: r.method == "DELETE" and stopped.path.split("/")[3] in r.path, 10)
    board = await send(standin, quiz_command(standin, "leaderboard"))
    lines = board.json["data"]["content"]
    assert lines.index("member1") < lines.index("member3") and "member2" in lines

    # Restart: the scores are still there.
    await stop_bot(bot, runner)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN)
    after = await send(standin, quiz_command(standin, "leaderboard"))
    assert after.json["data"]["content"] == lines
    await stop_bot(bot, runner)


async def test_only_the_starter_or_a_moderator_can_stop(standin: DiscordStandIn, settings: Settings, saga_index: SagaIndex) -> None:
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN)
    await send(standin, quiz_command(standin, "start"))
    denied = await send(standin, quiz_command(standin, "stop", user_index=1, permissions="0"))
    assert denied.json["data"]["flags"] & EPHEMERAL
    allowed = await send(standin, quiz_command(standin, "stop", user_index=2))  # has Manage Messages
    assert allowed.json["type"] == 5
    none = await send(standin, quiz_command(standin, "stop"))
    assert none.json["data"]["flags"] & EPHEMERAL
    await stop_bot(bot, runner)


async def test_a_button_of_a_quiz_that_no_longer_runs_says_so(standin: DiscordStandIn, settings: Settings,
                                                              saga_index: SagaIndex) -> None:
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN)
    # As Discord sends it: the clicked message with its buttons.
    buttons = [{"type": 1, "components": [{"type": 2, "style": 2, "label": "2", "custom_id": "quiz:9999:0:1"}]}]
    stale = standin._message({"content": "an old question", "components": buttons}, Recorded("POST", "/", {}, {}, None, [], 0.0),
                             str(CHANNEL_ID))
    reply = await send(standin, click(standin, stale, "quiz:9999:0:1", 0))
    assert reply.json["data"]["flags"] & EPHEMERAL and reply.json["data"]["content"]
    await stop_bot(bot, runner)


async def test_the_driver_survives_a_database_error_and_still_reveals(standin: DiscordStandIn, settings: Settings,
                                                                     saga_index: SagaIndex, caplog: pytest.LogCaptureFixture) -> None:
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN)
    service = bot.get_cog("Quiz").service  # type: ignore[union-attr]  # the cog is loaded
    service.advance_all = fault = FailOnce(service.advance_all)
    await send(standin, quiz_command(standin, "start", [{"name": "questions", "type": 4, "value": 5}]))
    await standin.wait_for(posted_question)
    # The question's deadline passes, the driver's first advance fails; restarted a second later, it reveals.
    await standin.wait_for(lambda r: r.method == "PATCH" and r.path.startswith(f"/channels/{CHANNEL_ID}/messages/"), 15)
    assert fault.failures
    assert any("the quiz driver failed" in record.getMessage() for record in caplog.records)
    assert bot.supervisor.report()["quiz driver"]["restarts"] >= 1
    await stop_bot(bot, runner)
