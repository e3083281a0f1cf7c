"""Daily recaps through the loopback Discord stand-in: a subscription posts on time, survives a
restart without a duplicate or a gap, and 403, 404, 429 and 500 are handled as documented."""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import discord
import pytest
import yarl

from bot.answering.index import SagaIndex
from bot.quiz.daily import make_daily_question
from bot.recap import commands as recap
from bot.recap.store import list_deliveries
from bot.settings import Settings

from .conftest import FailOnce
from .discord_harness import start_bot, stop_bot
from .discord_standin import CHANNEL_ID, GUILD_ID, DiscordStandIn, Recorded

TOKEN = "MTAx.recap.secret"
EPHEMERAL = 64
PARIS = timezone(timedelta(hours=1))
START = datetime(2024, 11, 16, 8, 0, tzinfo=PARIS)


class JumpClock:
    """Real time that a test can jump forward: every sleeper wakes at a jump and looks again."""

    def __init__(self, start: datetime) -> None:
        self._base, self._since = start.astimezone(UTC), time.monotonic()
        self._jumped = asyncio.Event()

    def now(self) -> datetime:
        return self._base + timedelta(seconds=time.monotonic() - self._since)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        # At most a short slice: a sleeper whose duration was computed just before a jump must
        # look at the clock again soon (returning early is allowed: the scheduler re-checks).
        try:
            await asyncio.wait_for(self._jumped.wait(), min(max(0.0, seconds), 0.05))
        except TimeoutError:
            pass

    def jump_to(self, moment: datetime) -> None:
        self._base, self._since = moment.astimezone(UTC), time.monotonic()
        woken, self._jumped = self._jumped, asyncio.Event()
        woken.set()


@pytest.fixture
async def standin(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordStandIn]:
    fake = DiscordStandIn(guild_locale="fr")
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield fake
    await fake.stop()


@pytest.fixture
def settings(saga_db_path: Path, tmp_path: Path) -> Settings:
    return Settings(root=tmp_path, data_dir=tmp_path, seeds_dir=tmp_path, saga_db=saga_db_path, state_db=tmp_path / "state.db",
                    health_file=tmp_path / "health.json")


async def command(standin: DiscordStandIn, sub: str, options: list[dict] | None = None, permissions: str | None = None,
                  locale: str = "fr") -> Recorded:
    extra = {"permissions": permissions} if permissions is not None else {}
    payload = standin.make_interaction("recap", options or [], subcommand_group=sub, locale=locale, **extra)
    start = await standin.send_interaction(payload)
    return await standin.wait_callback(payload, start)


def posts(standin: DiscordStandIn, channel: int = CHANNEL_ID) -> list[Recorded]:
    return [r for r in standin.find("POST", rf"^/channels/{channel}/messages$") if r.json and r.json.get("embeds")]


async def wait_posts(standin: DiscordStandIn, count: int, timeout: float = 10) -> list[Recorded]:
    deadline = time.monotonic() + timeout
    while len([p for p in posts(standin) if p.status == 200]) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(posts(standin))} posts, wanted {count}")
        await asyncio.sleep(0.05)
    return posts(standin)


async def test_a_subscription_posts_on_time_and_survives_a_restart(standin: DiscordStandIn, settings: Settings,
                                                                  saga_index: SagaIndex) -> None:
    clock = JumpClock(START)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    reply = await command(standin, "subscribe", [{"name": "time", "type": 3, "value": "09:00"},
                                                 {"name": "timezone_name", "type": 3, "value": "Europe/Paris"}])
    assert reply.json["data"]["flags"] & EPHEMERAL
    await asyncio.sleep(0.3)
    assert posts(standin) == []  # 08:00 in Paris: not yet
    clock.jump_to(START.replace(hour=9, minute=0, second=5))
    (first,) = await wait_posts(standin, 1)
    embed = first.json["embeds"][0]
    assert "17 novembre 2023" in embed["title"]
    assert first.json["nonce"] and first.json["enforce_nonce"] is True
    assert first.json["allowed_mentions"] == {"parse": []}

    # The question of the day, answered by a member alone.
    (button,) = first.json["components"][0]["components"]
    event_id = button["custom_id"].split(":", 1)[1]
    post_message = standin._message(first.json, first, str(CHANNEL_ID))
    asked = standin.make_interaction("", kind=3, message=post_message, locale="fr",
                                     component={"custom_id": button["custom_id"], "component_type": 2})
    shown = await standin.wait_callback(asked, await standin.send_interaction(asked))
    assert shown.json["data"]["flags"] & EPHEMERAL
    answers = shown.json["data"]["components"][0]["components"]
    assert len(answers) == 4
    question = make_daily_question(saga_index, event_id)
    right = answers[question.right]["custom_id"]
    ephemeral_message = {**post_message, "id": "960000000000000001", "components": shown.json["data"]["components"], "flags": 64}
    answered = standin.make_interaction("", kind=3, message=ephemeral_message, locale="fr",
                                        component={"custom_id": right, "component_type": 2})
    judged = await standin.wait_callback(answered, await standin.send_interaction(answered))
    assert judged.json["data"]["flags"] & EPHEMERAL and "✅" in judged.json["data"]["content"]

    # Restart the same day: nothing is posted again.
    await stop_bot(bot, runner)
    clock.jump_to(START.replace(hour=9, minute=30))
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    await asyncio.sleep(0.5)
    assert len(posts(standin)) == 1
    # The next day at 09:00: the replay goes on where it was, once.
    clock.jump_to(START.replace(day=17, hour=9, minute=0, second=5))
    second = (await wait_posts(standin, 2))[1]
    assert "18" in second.json["embeds"][0]["title"] and second.json["nonce"] != first.json["nonce"]
    await asyncio.sleep(0.3)
    assert len(posts(standin)) == 2
    await stop_bot(bot, runner)


@pytest.mark.parametrize(("status", "reason_words"), [(403, "permission"), (404, "n'existe plus (404)")])
async def test_a_refusal_disables_the_subscription_with_its_reason(standin: DiscordStandIn, settings: Settings,
                                                                   saga_index: SagaIndex, status: int, reason_words: str) -> None:
    clock = JumpClock(START)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    await command(standin, "subscribe", [{"name": "time", "type": 3, "value": "09:00"}])
    standin.fail_next("POST", rf"^/channels/{CHANNEL_ID}/messages$", status, times=5)
    clock.jump_to(START.replace(hour=9, minute=0, second=5))
    await standin.wait_for(lambda r: r.method == "POST" and r.path.endswith("/messages") and r.status == status)
    await asyncio.sleep(0.5)
    attempts = [r for r in standin.find("POST", rf"^/channels/{CHANNEL_ID}/messages$") if r.status == status]
    assert len(attempts) == 1  # never retried in a loop
    listed = await command(standin, "list")
    assert reason_words in listed.json["data"]["content"].lower()
    await stop_bot(bot, runner)


@pytest.mark.parametrize("status", [429, 500])
async def test_a_transient_failure_is_retried_and_posts_once(standin: DiscordStandIn, settings: Settings,
                                                             saga_index: SagaIndex, status: int) -> None:
    clock = JumpClock(START)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    await command(standin, "subscribe", [{"name": "time", "type": 3, "value": "09:00"}])
    standin.fail_next("POST", rf"^/channels/{CHANNEL_ID}/messages$", status, retry_after=0.2)
    clock.jump_to(START.replace(hour=9, minute=0, second=5))
    delivered = await wait_posts(standin, 1, timeout=20)
    failed, succeeded = delivered[0], delivered[-1]
    assert failed.status == status and succeeded.status == 200
    assert failed.json["nonce"] == succeeded.json["nonce"]
    if status == 429:
        assert succeeded.at - failed.at >= 0.2
    await asyncio.sleep(0.3)
    assert len([p for p in posts(standin) if p.status == 200]) == 1
    await stop_bot(bot, runner)


async def test_managing_recaps_needs_manage_channels(standin: DiscordStandIn, settings: Settings, saga_index: SagaIndex,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, JumpClock(START))
    with caplog.at_level(logging.INFO, logger="sagabot.discord"):
        refused = await command(standin, "subscribe", permissions="0")
        await asyncio.sleep(0.5)  # time for a second message, if one were sent
    assert refused.json["data"]["flags"] & EPHEMERAL
    # one clear refusal, no "this command failed" after it, and no error in the log
    assert standin.find("POST", r"^/webhooks/") == []
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    rows = await asyncio.to_thread(recap.list_recaps, bot.state_db, bot.index, guild_id=GUILD_ID, reply_locale="en")
    assert rows.subscriptions == [] or not rows.subscriptions
    await stop_bot(bot, runner)


async def test_preview_shows_a_day_only_to_the_member(standin: DiscordStandIn, settings: Settings, saga_index: SagaIndex) -> None:
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, JumpClock(START))
    reply = await command(standin, "preview", [{"name": "day", "type": 3, "value": "dimanche"}])
    data = reply.json["data"]
    assert data["flags"] & EPHEMERAL
    # Sunday as the replay sends it, with Saturday: the post and the words that say so
    assert data["embeds"][0]["title"] == "La saga, jour par jour — samedi 18 et dimanche 19 novembre 2023"
    assert "avec d'autres jours de peu de nouvelles" in data["content"]
    assert data["embeds"][0]["description"].startswith("_Peu de nouvelles ces jours-là : ils sont racontés ensemble._")
    await stop_bot(bot, runner)


RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|[+-]\d{2}:\d{2}\b|\bUTC\b")


@pytest.mark.parametrize(("locale", "words"), [("fr", "(Europe/Paris)"), ("en-US", "(Europe/Paris)")])
async def test_every_time_a_member_reads_is_in_the_subscriptions_zone_in_words(standin: DiscordStandIn, settings: Settings,
                                                                               saga_index: SagaIndex, locale: str,
                                                                               words: str) -> None:
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, JumpClock(START))
    replies = [await command(standin, "subscribe", [{"name": "mode", "type": 3, "value": "digest"}], locale=locale),
               await command(standin, "subscribe", [{"name": "time", "type": 3, "value": "18:30"}], locale=locale),
               await command(standin, "list", locale=locale), await command(standin, "pause", locale=locale),
               await command(standin, "resume", locale=locale), await command(standin, "preview", locale=locale)]
    for reply in replies:
        content = reply.json["data"].get("content") or ""
        assert RAW_TIME.search(content) is None, content
    told = [reply.json["data"]["content"] for index, reply in enumerate(replies) if index in (0, 1, 2, 4)]
    assert all(words in content and "18:30" in content for content in told[1:]), told
    # a digest subscribed again without a mode stays a digest
    rows = await asyncio.to_thread(recap.list_recaps, bot.state_db, bot.index, guild_id=GUILD_ID, reply_locale="en")
    assert [(row.mode, row.time) for row in rows.subscriptions] == [("digest", "18:30")]
    await stop_bot(bot, runner)


async def test_a_thousand_channels_due_together_get_no_429(standin: DiscordStandIn, settings: Settings, saga_index: SagaIndex) -> None:
    clock = JumpClock(START)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    standin.limit(r"^/channels/\d+/messages$", 50)
    channels = [CHANNEL_ID + n for n in range(1, 1001)]
    for channel in channels:
        await asyncio.to_thread(recap.subscribe, bot.state_db, bot.index, guild_id=GUILD_ID, channel_id=channel, post_locale="en",
                                reply_locale="en", now=clock.now(), time_text="09:00", timezone_name="Europe/Paris")
    bot.get_cog("Recap").scheduler.notify_changed()  # type: ignore[union-attr]  # the cog is loaded
    began = time.monotonic()
    clock.jump_to(START.replace(hour=9, minute=0, second=5))
    deadline = time.monotonic() + 90
    while len([r for r in standin.find("POST", r"^/channels/\d+/messages$") if r.status == 200]) < len(channels):
        assert time.monotonic() < deadline, "the fan-out did not finish in 90 s"
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - began
    assert standin.rejected_429 == 0
    assert elapsed >= (len(channels) - 50) / 50  # paced, not bursted
    await stop_bot(bot, runner)


async def test_the_scheduler_survives_a_locked_database_and_still_posts(standin: DiscordStandIn, settings: Settings,
                                                                      saga_index: SagaIndex, caplog: pytest.LogCaptureFixture) -> None:
    clock = JumpClock(START)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    await command(standin, "subscribe", [{"name": "time", "type": 3, "value": "09:00"},
                                         {"name": "timezone_name", "type": 3, "value": "Europe/Paris"}])
    scheduler = bot.get_cog("Recap").scheduler  # type: ignore[union-attr]  # the cog is loaded
    scheduler.due = fault = FailOnce(scheduler.due)  # the loop's next look fails; the supervisor restarts it
    scheduler.notify_changed()
    clock.jump_to(START.replace(hour=9, minute=0, second=5))
    (first,) = await wait_posts(standin, 1, timeout=15)
    assert "17 novembre 2023" in first.json["embeds"][0]["title"]
    assert fault.failures and any("the recap scheduler failed" in record.getMessage() for record in caplog.records)
    assert bot.supervisor.report()["recap scheduler"]["restarts"] >= 1
    await stop_bot(bot, runner)


@pytest.mark.parametrize(("reached_discord", "history_readable", "posted", "status"), [
    (True, True, 1, "sent"),  # the post went out, its answer was lost: found in the channel, never posted twice
    (False, True, 1, "sent"),  # the request never arrived: the channel shows no such post, so it is sent late
    (False, False, 0, "uncertain"),  # the channel cannot be read: never risk a second post
])
async def test_a_post_interrupted_long_ago_is_looked_for_in_the_channel(standin: DiscordStandIn, settings: Settings,
                                                                        saga_index: SagaIndex, reached_discord: bool,
                                                                        history_readable: bool, posted: int, status: str) -> None:
    clock = JumpClock(START)
    standin.clock = clock.now
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    await command(standin, "subscribe", [{"name": "time", "type": 3, "value": "09:00"},
                                         {"name": "timezone_name", "type": 3, "value": "Europe/Paris"}])
    # The bot dies while its post is in flight, and comes back an hour later: past the nonce window.
    standin.hang_next("POST", rf"^/channels/{CHANNEL_ID}/messages$", keep=reached_discord)
    clock.jump_to(START.replace(hour=9, minute=0, second=5))
    deadline = time.monotonic() + 10
    while not posts(standin):
        assert time.monotonic() < deadline, "the post never left"
        await asyncio.sleep(0.05)
    (lost,) = posts(standin)
    await stop_bot(bot, runner)
    clock.jump_to(START.replace(hour=10, minute=5))
    if not history_readable:
        standin.fail_next("GET", rf"^/channels/{CHANNEL_ID}/messages$", 403)
    before = len(standin.requests)
    bot, runner = await start_bot(standin, settings, saga_index, TOKEN, clock)
    deadline = time.monotonic() + 10
    while (ledger := await asyncio.to_thread(list_deliveries, bot.state_db))[0].status == "sending":
        assert time.monotonic() < deadline, "the interrupted post was never settled"
        await asyncio.sleep(0.05)
    assert [record.status for record in ledger] == [status]
    assert standin.find("GET", rf"^/channels/{CHANNEL_ID}/messages$")  # the channel was read
    resent = [r for r in standin.requests[before:] if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(resent) == (1 if not reached_discord and history_readable else 0)
    if resent:
        assert resent[0].json["nonce"] != lost.json["nonce"] and resent[0].json["embeds"] == lost.json["embeds"]
    assert len(standin.channel_messages.get(str(CHANNEL_ID), [])) == posted
    await stop_bot(bot, runner)
