"""The scheduler end to end in-process: a hand-written fake of Discord's channel messages (it
dedupes nonces like `enforce_nonce`, allows 50 requests per second, fails on demand) and a
simulated clock. Posts arrive on time; a restart neither duplicates nor loses one; failures
disable, back off or wait as they should; a thousand channels due at once get no 429."""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from bot.answering.index import SagaIndex, load_index
from bot.recap.clock import ManualClock
from bot.recap.commands import list_recaps, resume
from bot.recap.delivery import SendResult, Sought
from bot.recap.posts import Post
from bot.recap.scheduler import RecapScheduler, Report
from bot.recap.store import MIGRATIONS, get_subscription, list_deliveries, save_subscription
from bot.storage import close_state, open_state

UTC = UTC


def read_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the bot may catch it)."""


@dataclass
class Message:
    channel_id: int
    nonce: str
    post: Post
    at: datetime


class FakeDiscord:
    """POST /channels/{id}/messages as Discord answers it."""

    def __init__(self, clock: ManualClock, per_second: int = 50) -> None:
        self.clock = clock
        self.per_second = per_second
        self.recent: deque[float] = deque()
        self.requests = 0
        self.rejected = 0
        self.messages: list[Message] = []
        self.by_nonce: dict[str, tuple[datetime, int]] = {}
        self.script: dict[int, list[SendResult]] = {}
        self.crash: str | None = None  # "before" or "after" the message is created
        self.history: str = "readable"  # or "forbidden" (no Read Message History), or "none" (no look-up given)
        self.lookups: list[Sought] = []

    async def send(self, channel_id: int, post: Post, nonce: str) -> SendResult:
        now = self.clock.monotonic()
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        self.requests += 1
        if len(self.recent) >= self.per_second:
            self.rejected += 1
            return SendResult(429, retry_after=1.0, global_limit=True)
        self.recent.append(now)
        if self.crash == "before":
            raise Crash
        if self.script.get(channel_id):
            return self.script[channel_id].pop(0)
        known = self.by_nonce.get(nonce)
        if known and self.clock.now() - known[0] < timedelta(minutes=5):
            return SendResult(200, message_id=known[1])  # enforce_nonce: the first message, not a second
        self.messages.append(Message(channel_id, nonce, post, self.clock.now()))
        self.by_nonce[nonce] = (self.clock.now(), len(self.messages))
        if self.crash == "after":
            raise Crash
        return SendResult(200, message_id=len(self.messages))

    async def look_up(self, sought: Sought) -> bool | None:
        """A channel's history as Discord shows it: the messages, without their nonce."""
        self.lookups.append(sought)
        if self.history == "forbidden":
            return None
        return any(message.post.title == sought.post.title and sought.since <= message.at <= sought.until
                   for message in self.posts_in(sought.channel_id))

    def posts_in(self, channel_id: int) -> list[Message]:
        return [message for message in self.messages if message.channel_id == channel_id]


def subscribe(state: sqlite_utils.Database, index: SagaIndex, channel_id: int, at: str = "09:00", zone: str = "Europe/Paris",
              mode: str = "replay", now: datetime | None = None, locale: str = "en") -> None:
    hour, minute = map(int, at.split(":"))
    seen = [event.id for event in index.events] if mode == "digest" else []
    save_subscription(state, guild_id=1, channel_id=channel_id, at=time(hour, minute), timezone_name=zone, mode=mode, locale=locale,
                      now=now or read_utc("2025-03-03T06:00+00:00"), seen_event_ids=seen)


def run(scheduler: RecapScheduler, discord: FakeDiscord, until: datetime) -> list[Report]:
    look_up = None if discord.history == "none" else discord.look_up
    return asyncio.run(scheduler.run_until(discord.send, until, look_up=look_up))


def test_a_post_arrives_on_time(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10, "09:00", "Europe/Paris")
    subscribe(state, index, 11, "09:00", "America/Los_Angeles", locale="fr")
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    scheduler = RecapScheduler(state, index, clock)
    assert scheduler.next_wakeup(clock.now()) == read_utc("2025-03-03T08:00+00:00")
    assert scheduler.due(clock.now()) == []
    run(scheduler, discord, read_utc("2025-03-03T18:00+00:00"))
    paris, los_angeles = discord.posts_in(10), discord.posts_in(11)
    assert [message.at for message in paris] == [read_utc("2025-03-03T08:00+00:00")]
    assert [message.at for message in los_angeles] == [read_utc("2025-03-03T17:00+00:00")]
    assert paris[0].post.title == "The saga, day by day — Friday 17 November 2023"
    assert los_angeles[0].post.title == "La saga, jour par jour — vendredi 17 novembre 2023"
    assert scheduler.next_wakeup(clock.now()) == read_utc("2025-03-04T08:00+00:00")


def test_daylight_saving_days_post_once_each(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10, "02:30", "Europe/Paris", mode="digest", now=read_utc("2025-03-28T12:00+00:00"))
    clock = ManualClock(read_utc("2025-03-28T12:00+00:00"))
    scheduler = RecapScheduler(state, index, clock)
    wakeups = []
    now = clock.now()
    for _ in range(3):
        wakeup = scheduler.next_wakeup(now)
        wakeups.append(wakeup)
        asyncio.run(scheduler.run_until(FakeDiscord(clock).send, wakeup + timedelta(seconds=1)))
        now = clock.now()
    # Saturday 02:30 CET, Sunday (02:30 does not exist) at the 03:00 CEST jump, Monday 02:30 CEST
    assert wakeups == [read_utc("2025-03-29T01:30+00:00"), read_utc("2025-03-30T01:00+00:00"), read_utc("2025-03-31T00:30+00:00")]
    subscribe(state, index, 10, "02:30", "Europe/Paris", mode="digest", now=read_utc("2025-10-25T12:00+00:00"))
    clock.advance_to(read_utc("2025-10-25T12:00+00:00"))
    scheduler.notify_changed()
    scheduler.reload()
    first = scheduler.next_wakeup(clock.now())
    assert first == read_utc("2025-10-26T00:30+00:00")  # the first 02:30 of the fall-back night
    asyncio.run(scheduler.run_until(FakeDiscord(clock).send, first + timedelta(hours=2)))
    assert scheduler.next_wakeup(clock.now()) == read_utc("2025-10-27T01:30+00:00")  # not the second 02:30


def test_after_a_restart_a_missed_post_comes_once_and_the_replay_goes_on(index: SagaIndex, state_location: str | Path) -> None:
    path = state_location
    state = open_state(path, [MIGRATIONS])
    subscribe(state, index, 10, "09:00", "Europe/Paris")
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    run(RecapScheduler(state, index, clock), discord, read_utc("2025-03-03T12:00+00:00"))  # Monday's post
    close_state(state)
    # Down from Monday noon to Friday noon: Tuesday to Friday missed.
    clock.advance_to(read_utc("2025-03-07T11:00+00:00"))
    restarted = open_state(path, [MIGRATIONS])
    scheduler = RecapScheduler(restarted, index, clock)
    assert [item.subscription.channel_id for item in scheduler.due(clock.now())] == [10]
    run(scheduler, discord, read_utc("2025-03-07T12:00+00:00"))
    posts = discord.posts_in(10)
    assert [message.at for message in posts] == [read_utc("2025-03-03T08:00+00:00"), read_utc("2025-03-07T11:00+00:00")]
    assert posts[1].post.key == "replay:2023-11-18..2023-11-19"  # where it was, not from the start, not skipped
    assert scheduler.next_wakeup(clock.now()) == read_utc("2025-03-08T08:00+00:00")  # then tomorrow as usual


@pytest.mark.parametrize(("crash", "downtime", "history", "messages", "status"), [
    ("after", timedelta(seconds=30), "readable", 1, "sent"),  # posted, not confirmed: resent with its nonce, Discord dedupes
    ("before", timedelta(seconds=30), "readable", 1, "sent"),  # recorded, never reached Discord: sent on restart, not lost
    # Past the nonce window the channel is read: the post is there (settled, not resent) ...
    ("after", timedelta(hours=1), "readable", 1, "sent"),
    # ... or surely not (sent late rather than lost) ...
    ("before", timedelta(hours=1), "readable", 1, "sent"),
    # ... or the channel cannot tell: never twice, at the price of a post perhaps missed.
    ("after", timedelta(hours=1), "forbidden", 1, "uncertain"),
    ("before", timedelta(hours=1), "forbidden", 0, "uncertain"),
    ("before", timedelta(hours=1), "none", 0, "uncertain"),
])
def test_a_crash_between_send_and_confirm_never_posts_twice(index: SagaIndex, state_location: str | Path, crash: str,
                                                            downtime: timedelta, history: str, messages: int, status: str) -> None:
    path = state_location
    state = open_state(path, [MIGRATIONS])
    subscribe(state, index, 10, "09:00", "Europe/Paris")
    clock = ManualClock(read_utc("2025-03-03T07:59+00:00"))
    discord = FakeDiscord(clock)
    discord.crash, discord.history = crash, history
    with pytest.raises(Crash):
        run(RecapScheduler(state, index, clock), discord, read_utc("2025-03-03T12:00+00:00"))
    assert [record.status for record in list_deliveries(state)] == ["sending"]
    close_state(state)
    discord.crash = None
    clock.advance(downtime.total_seconds())
    restarted = open_state(path, [MIGRATIONS])
    run(RecapScheduler(restarted, index, clock), discord, clock.now() + timedelta(hours=2))
    assert len(discord.posts_in(10)) == messages
    records = list_deliveries(restarted)
    assert [record.status for record in records] == [status]
    assert len({message.nonce for message in discord.messages}) == messages
    # The channel is read only for a post past its nonce window.
    assert len(discord.lookups) == (1 if downtime > timedelta(minutes=2) and history != "none" else 0)
    subscription = get_subscription(restarted, 10)
    assert subscription.replay_day == "2023-11-17"  # the replay moved on past the post


def test_403_disables_with_the_reason_until_resumed_and_is_never_retried(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10)
    subscribe(state, index, 11)
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    discord.script[10] = [SendResult(403, 50013)]
    scheduler = RecapScheduler(state, index, clock)
    run(scheduler, discord, read_utc("2025-03-06T12:00+00:00"))  # four days
    assert discord.posts_in(10) == [] and len(discord.posts_in(11)) == 4  # 11: Friday, the weekend, Monday, what came after
    assert discord.requests == 1 + 4  # one try for the refused channel, in four days
    listed = list_recaps(state, index, guild_id=1, reply_locale="en").text
    assert "stopped: the bot lacks a permission to post here" in listed and "/recap resume" in listed
    french = list_recaps(state, index, guild_id=1, reply_locale="fr").text
    assert "arrêté : il manque au bot une permission" in french
    resume(state, index, guild_id=1, channel_id=10, reply_locale="en", now=clock.now())
    scheduler.notify_changed()
    run(scheduler, discord, read_utc("2025-03-07T12:00+00:00"))
    assert [message.post.key for message in discord.posts_in(10)] == ["replay:2023-11-17"]  # the replay starts where it stopped


def test_404_disables_as_a_deleted_channel(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10)
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    discord.script[10] = [SendResult(404, 10003)]
    run(RecapScheduler(state, index, clock), discord, read_utc("2025-03-04T12:00+00:00"))
    assert get_subscription(state, 10).disabled_reason == "recap.reason.unknown_channel"
    assert "the channel no longer exists (404)" in list_recaps(state, index, guild_id=1, reply_locale="en").text


def test_500_is_retried_and_429_waits_its_retry_after(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10)
    subscribe(state, index, 11)
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    discord.script[10] = [SendResult(500), SendResult(503)]
    discord.script[11] = [SendResult(429, retry_after=3.0)]
    reports = run(RecapScheduler(state, index, clock), discord, read_utc("2025-03-03T09:00+00:00"))
    assert sorted((report.channel_id, report.status) for report in reports) == [(10, "sent"), (11, "sent")]
    assert len(discord.posts_in(10)) == 1 and len(discord.posts_in(11)) == 1
    assert discord.posts_in(11)[0].at >= read_utc("2025-03-03T08:00:03+00:00")


def test_a_thousand_channels_due_in_the_same_minute_get_no_429(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    for channel in range(1000):
        subscribe(state, index, 1000 + channel, "09:00", "Europe/Paris")
    clock = ManualClock(read_utc("2025-03-03T07:59+00:00"))
    discord = FakeDiscord(clock, per_second=50)
    reports = run(RecapScheduler(state, index, clock), discord, read_utc("2025-03-03T08:05+00:00"))
    assert len(discord.messages) == 1000 and {report.status for report in reports} == {"sent"}
    assert discord.rejected == 0
    span = (max(message.at for message in discord.messages) - min(message.at for message in discord.messages)).total_seconds()
    assert 19.9 <= span <= 25  # 1,000 / 50 = 20 s is the floor


class StuckClock(ManualClock):
    """Time that does not pass by itself: a sleep waits until the test cancels it."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.Event().wait()


async def test_the_scheduler_wakes_up_when_subscriptions_change(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    clock = StuckClock(read_utc("2025-03-03T08:30+00:00"))
    discord = FakeDiscord(clock)
    scheduler = RecapScheduler(state, index, clock)
    task = asyncio.create_task(scheduler.run(discord.send))
    await asyncio.sleep(0.05)
    assert discord.messages == []  # nothing to do: asleep
    subscribe(state, index, 10, "09:00", "Europe/Paris", now=read_utc("2025-03-02T12:00+00:00"))  # due since 08:00 UTC today
    scheduler.notify_changed()
    for _ in range(100):
        await asyncio.sleep(0.01)
        if discord.messages:
            break
    scheduler.stop()
    await asyncio.wait_for(task, 5)
    assert [message.channel_id for message in discord.messages] == [10]


def test_the_replay_ends_after_its_closing_post(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10)
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    run(RecapScheduler(state, index, clock), discord, read_utc("2025-03-10T12:00+00:00"))
    keys = [message.post.key for message in discord.posts_in(10)]
    # Monday is its own post (it was buried in the weekend's); what runs past it comes before the end
    assert keys == ["replay:2023-11-17", "replay:2023-11-18..2023-11-19", "replay:2023-11-20", "replay:2023-11-21", "replay:end"]
    assert discord.posts_in(10)[-1].post.final
    assert get_subscription(state, 10) is None
    assert "No daily recap" in list_recaps(state, index, guild_id=1, reply_locale="en").text


def test_the_anniversary_posts_three_days_a_year(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10, "09:00", "Asia/Kolkata", mode="anniversary", now=read_utc("2025-01-01T00:00+00:00"))
    clock = ManualClock(read_utc("2025-01-01T00:00+00:00"))
    discord = FakeDiscord(clock)
    run(RecapScheduler(state, index, clock), discord, read_utc("2026-01-01T00:00+00:00"))
    assert [message.at for message in discord.posts_in(10)] == [
        read_utc("2025-11-17T03:30+00:00"), read_utc("2025-11-19T03:30+00:00"), read_utc("2025-11-20T03:30+00:00")]
    assert discord.posts_in(10)[0].post.title == "2 years ago, to the day — Friday 17 November 2023"


def test_the_digest_posts_only_when_the_database_grew(index: SagaIndex) -> None:
    state = open_state(":memory:", [MIGRATIONS])
    subscribe(state, index, 10, mode="digest")
    clock = ManualClock(read_utc("2025-03-03T07:00+00:00"))
    discord = FakeDiscord(clock)
    scheduler = RecapScheduler(state, index, clock)
    run(scheduler, discord, read_utc("2025-03-05T07:00+00:00"))
    assert discord.messages == []  # nothing new: no post
    grown = SagaIndex(articles=index.articles, entities=index.entities, events=[*index.events], quotes=[], disputes=[],
                      tenures=index.tenures, roles=index.roles, actions=index.actions)
    added = grown.events.pop(0)  # as if the subscription had started without it
    state.execute("delete from recap_seen where event_id = ?", [added.id])
    state.conn.commit()
    grown.events.append(added)
    grown.events_by_id = {event.id: event for event in grown.events}
    scheduler.index = grown
    scheduler.notify_changed()
    run(scheduler, discord, read_utc("2025-03-08T07:00+00:00"))
    assert [message.post.event_ids for message in discord.posts_in(10)] == [(added.id,)]


@pytest.mark.parametrize("overlap", [False, True], ids=["own-shards", "both-claim-all"])
def test_two_processes_on_one_database_post_each_recap_once_each_for_its_own_shard(index: SagaIndex, state_location: str | Path,
                                                                                   overlap: bool) -> None:
    """Each process posts its own shards' recaps; and should two ever both take every guild (a
    wrong plan), the ledger's key still lets one post each recap."""
    from bot.sharding import ShardPlan, find_shard

    path = state_location
    setup = open_state(path, [MIGRATIONS])
    # 40 channels in 40 guilds, whose ids fall on both shards of 2.
    guilds = {channel: (1000 + channel) << 22 for channel in range(10, 50)}
    for channel, guild in guilds.items():
        save_subscription(setup, guild_id=guild, channel_id=channel, at=time(9), timezone_name="Europe/Paris", mode="replay",
                          locale="en", now=read_utc("2025-03-03T06:00+00:00"))
    close_state(setup)
    clock = ManualClock(read_utc("2025-03-03T07:59+00:00"))
    discord = FakeDiscord(clock)
    plans = [ShardPlan(1, (0,)), ShardPlan(1, (0,))] if overlap else [ShardPlan(2, (0,)), ShardPlan(2, (1,))]
    states = [open_state(path, [MIGRATIONS]) for _ in plans]
    schedulers = [RecapScheduler(state, index, clock, owns_guild=plan.owns_guild) for state, plan in zip(states, plans)]
    sent_by: dict[int, list[int]] = {0: [], 1: []}

    def sender(shard: int):
        async def send(channel_id: int, post: Post, nonce: str) -> SendResult:
            sent_by[shard].append(channel_id)
            return await discord.send(channel_id, post, nonce)
        return send

    async def run_both() -> None:
        until = read_utc("2025-03-03T09:00+00:00")
        await asyncio.gather(*(scheduler.run_until(sender(shard), until) for shard, scheduler in enumerate(schedulers)))

    asyncio.run(run_both())
    assert sorted(message.channel_id for message in discord.messages) == sorted(guilds)  # every recap, once
    statuses = [record.status for record in list_deliveries(states[0])]
    assert statuses == ["sent"] * len(guilds)
    if not overlap:
        for shard, channels in sent_by.items():
            assert channels and all(find_shard(guilds[channel], 2) == shard for channel in channels)  # none by the wrong process
