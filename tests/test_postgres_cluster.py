"""Two bot processes, shards 0 and 1 of 2, on one PostgreSQL database, against one loopback
stand-in that routes each guild's events to its shard's connection and enforces Discord's
50 requests per second across both: real processes (`python -m bot run`), a real server
(pgserver), nothing mocked.

Each process is given its own token only so that the stand-in can tell who sent what; Discord
would see one bot. Logs go to files: a process is never held up by a full pipe."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import IO

import pytest

from bot.quiz import store as quiz_store
from bot.quiz.questions import Question
from bot.recap import store as recap_store
from bot.settings import PROJECT_ROOT
from bot.sharding import find_shard
from bot.storage import close_state, open_state

from .discord_standin import CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID, OTHER_GUILD_ID, DiscordStandIn, Recorded

TOKENS = {0: "MTAx.shard-zero.secret-token", 1: "MTAx.shard-one.secret-token"}
SUBSCRIPTIONS = 400
POST = re.compile(r"^/channels/\d+/messages$")


class BotProcess:
    """`python -m bot run` for one shard of two, its log in a file."""

    def __init__(self, shard: int, env: dict[str, str], log_path: Path) -> None:
        self.shard, self.env, self.log_path = shard, env, log_path
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=self.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log, stderr=self._log)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no clean-up, no last write
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._log:
            self._log.close()
        return self.process.returncode or 0

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def shard_environment(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path, postgres_url: str, shard: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "SAGABOT_"))}
    env.update(DISCORD_TOKEN=TOKENS[shard], DISCORD_API_BASE=standin.api_base, DISCORD_GATEWAY_URL=standin.gateway_url,
               SAGABOT_SAGA_DB=str(saga_db_path), SAGABOT_ROOT=str(tmp_path), SAGABOT_DATA=str(PROJECT_ROOT / "data"),
               SAGABOT_SEEDS=str(PROJECT_ROOT / "seeds"), SAGABOT_STATE_URL=postgres_url,
               SAGABOT_STATE_DB=str(tmp_path / f"unused-{shard}.db"), SAGABOT_HEALTH_FILE=str(tmp_path / f"health-{shard}.json"),
               SAGABOT_SHARD_COUNT="2", SAGABOT_SHARDS=str(shard), SAGABOT_QUIZ_SECONDS="30", SAGABOT_QUIZ_REVEAL_SECONDS="2")
    return env


def sender(request: Recorded) -> int | None:
    """Which process sent a request, by its token (None: a request without one)."""
    authorization = request.headers.get("Authorization", "")
    return next((shard for shard, token in TOKENS.items() if authorization == f"Bot {token}"), None)


async def wait_until(condition: object, timeout: float, what: str, processes: list[BotProcess]) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            logs = "\n".join(f"--- shard {p.shard}\n{p.log[-3000:]}" for p in processes)
            raise AssertionError(f"{what}: not within {timeout} s\n{logs}")
        await asyncio.sleep(0.1)


@pytest.fixture
async def standin() -> object:
    fake = DiscordStandIn(guild_locale="en")
    await fake.start()
    yield fake
    await fake.stop()


async def test_postgres_two_processes_post_400_recaps_once_each_through_a_kill(standin: DiscordStandIn, saga_db_path: Path,
                                                                               tmp_path: Path, postgres_url: str) -> None:
    """400 subscriptions in guilds of both shards, due the same minute: every post sent once,
    each by its shard's process, no 429 at 50 requests/s across both; one process killed with
    SIGKILL in the middle and started again: still once each (the ledger's nonces and Discord's
    enforce_nonce take care of a post sent just before the kill)."""
    standin.limit(r"^/", 50)  # Discord's global limit: one bot, every route, both processes
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    due = (now - timedelta(minutes=1)).time()  # due a minute ago: caught up at once, as after downtime
    state = open_state(postgres_url, [quiz_store.migrations, recap_store.MIGRATIONS])
    guilds: dict[int, int] = {}
    for number in range(SUBSCRIPTIONS):
        guild, channel = (3000 + number) << 22, 800_000_000_000_000_000 + number
        guilds[channel] = guild
        recap_store.save_subscription(state, guild_id=guild, channel_id=channel, at=time(due.hour, due.minute),
                                      timezone_name="UTC", mode="replay", locale="en", now=now - timedelta(minutes=5))
    assert Counter(find_shard(guild, 2) for guild in guilds.values()) == {0: 200, 1: 200}
    processes = [BotProcess(shard, shard_environment(standin, saga_db_path, tmp_path, postgres_url, shard),
                            tmp_path / f"shard-{shard}.log") for shard in (0, 1)]
    posts = lambda shard=None: [r for r in standin.requests  # noqa: E731 - read at each call
                                if r.method == "POST" and POST.match(r.path) and r.status == 200
                                and (shard is None or sender(r) == shard)]
    try:
        for process in processes:
            await process.start()
        # Shard 1's process dies mid-fan-out, with posts still to send.
        await wait_until(lambda: len(posts(1)) >= 40, 60, "shard 1 posting", processes)
        await processes[1].kill()
        killed_after = len(posts(1))
        assert killed_after < 200
        await processes[1].start()
        delivered = lambda: {channel for channel, messages in standin.channel_messages.items() if messages}  # noqa: E731
        await wait_until(lambda: len(delivered()) >= SUBSCRIPTIONS, 90, "every recap posted", processes)
        await asyncio.sleep(1.0)  # anything more would come now
    finally:
        codes = [await process.stop() for process in processes]

    assert codes == [0, 0], [p.log[-2000:] for p in processes]
    # Every post once: one message in each channel, none elsewhere.
    assert {int(channel): len(messages) for channel, messages in standin.channel_messages.items()} == \
        {channel: 1 for channel in guilds}
    # Each by its own shard's process.
    by_channel: dict[int, set[int]] = defaultdict(set)
    for request in posts():
        by_channel[int(request.path.split("/")[2])].add(sender(request))
    assert all(by_channel[channel] == {find_shard(guild, 2)} for channel, guild in guilds.items())
    assert standin.rejected_429 == 0
    assert len(posts(1)) > killed_after + 100  # the restarted process sent the rest of its shard's posts
    # The ledger: each post settled, none left sending; a post the killed process had sent
    # without writing it down was sent again with its nonce, and Discord returned the first.
    records = recap_store.list_deliveries(state)
    assert len(records) == SUBSCRIPTIONS
    assert Counter(record.status for record in records) == {"sent": SUBSCRIPTIONS}
    assert len(posts()) == SUBSCRIPTIONS + standin.nonce_repeats
    assert "Traceback" not in processes[0].log
    close_state(state)


async def test_postgres_quizzes_on_two_shards_at_once_keep_their_scores(standin: DiscordStandIn, saga_db_path: Path,
                                                                        tmp_path: Path, postgres_url: str) -> None:
    """A quiz in a guild of each shard, at the same time, answered in both: each process drives
    its own guild's quiz, and both quizzes' scores are in the one PostgreSQL database."""
    standin.guilds[OTHER_GUILD_ID] = OTHER_CHANNEL_ID
    places = {find_shard(GUILD_ID, 2): (GUILD_ID, CHANNEL_ID), find_shard(OTHER_GUILD_ID, 2): (OTHER_GUILD_ID, OTHER_CHANNEL_ID)}
    assert set(places) == {0, 1}
    state = open_state(postgres_url, [quiz_store.migrations, recap_store.MIGRATIONS])
    processes = [BotProcess(shard, shard_environment(standin, saga_db_path, tmp_path, postgres_url, shard),
                            tmp_path / f"shard-{shard}.log") for shard in (0, 1)]
    try:
        for process in processes:
            await process.start()
        await wait_until(lambda: len(standin.identifies) == 2 and len(standin.socket_shards) == 2, 60, "both shards", processes)
        await asyncio.sleep(1.0)  # READY handled
        starts = {}
        for shard, (guild, _channel) in places.items():
            payload = standin.make_interaction("quiz", [{"name": "questions", "type": 4, "value": 5}], subcommand_group="start",
                                               guild_id=guild)
            starts[shard] = (payload, await standin.send_interaction(payload))
        for payload, start in starts.values():
            callback = await standin.wait_callback(payload, start, timeout=30)
            # (Interaction callbacks carry no token: the stand-in sent each only to its shard's connection.)
            assert "Quiz started" in callback.json["data"]["content"]
        # Both questions are up at once; two members answer in each channel.
        for shard, (guild, channel) in places.items():
            question = await standin.wait_for(lambda r, c=channel: r.method == "POST" and r.path == f"/channels/{c}/messages"
                                              and bool((r.json or {}).get("components")), 30)
            assert sender(question) == shard
            buttons = question.json["components"][0]["components"]
            quiz_id, number = map(int, re.match(r"quiz:(\d+):(\d+):\d", buttons[0]["custom_id"]).groups())
            message = standin._message(question.json, question, channel_id=str(channel))
            (body,) = state.execute("select body from quiz_questions where quiz_id = ? and number = ?", [quiz_id, number]).fetchone()
            right = Question.from_json(body).right  # as the process wrote it in the shared database
            for user_index, choice in ((0, right), (1, (right + 1) % 4)):
                click = standin.make_interaction("", kind=3, user_index=user_index, message=message, guild_id=guild,
                                                 component={"custom_id": f"quiz:{quiz_id}:{number}:{choice}", "component_type": 2})
                reply = await standin.wait_callback(click, await standin.send_interaction(click), timeout=30)
                assert "Answer recorded" in reply.json["data"]["content"]
        for guild, _channel in places.values():
            stop = standin.make_interaction("quiz", [], subcommand_group="stop", guild_id=guild)
            await standin.wait_callback(stop, await standin.send_interaction(stop), timeout=30)
        await wait_until(lambda: state.execute("select count(*) from quizzes where status = 'ended'").fetchone()[0] == 2, 30,
                         "both quizzes ended", processes)
    finally:
        codes = [await process.stop() for process in processes]
    assert codes == [0, 0], [p.log[-2000:] for p in processes]
    for guild, _channel in places.values():
        board = quiz_store.read_leaderboard(state, str(guild))
        assert [(row.name, row.right, row.answered) for row in board] == [("member1", 1, 1), ("member2", 0, 1)]
    close_state(state)
