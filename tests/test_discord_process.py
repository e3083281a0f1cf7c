"""`python -m bot run` and `python -m bot sync` as a new user runs them: real processes, pointed
at the loopback stand-in through DISCORD_API_BASE and DISCORD_GATEWAY_URL."""
from __future__ import annotations

import asyncio
import dataclasses
import errno
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.client import open_bot_state
from bot.settings import PROJECT_ROOT, Settings

from .discord_standin import APPLICATION_ID, CHANNEL_ID, GUILD_ID, DiscordStandIn, Recorded

TOKEN = "MTAx.process.secret-token-value"


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandIn]:
    fake = DiscordStandIn()
    await fake.start()
    yield fake
    await fake.stop()


def environment(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path, token: str | None = TOKEN) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env.update(DISCORD_API_BASE=standin.api_base, DISCORD_GATEWAY_URL=standin.gateway_url, SAGABOT_SAGA_DB=str(saga_db_path),
               SAGABOT_ROOT=str(tmp_path), SAGABOT_DATA=str(PROJECT_ROOT / "data"), SAGABOT_SEEDS=str(PROJECT_ROOT / "seeds"),
               SAGABOT_STATE_DB=str(tmp_path / "state.db"), SAGABOT_HEALTH_FILE=str(tmp_path / "health.json"))
    if token:
        env["DISCORD_TOKEN"] = token
    return env


async def start_bot(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=PROJECT_ROOT, env=env,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)


async def test_run_serves_commands_and_closes_cleanly_on_sigterm(standin: DiscordStandIn, saga_db_path: Path,
                                                                  tmp_path: Path) -> None:
    process = await start_bot("run", env=environment(standin, saga_db_path, tmp_path))
    await standin.wait_ready(timeout=30)
    payload = standin.make_interaction("who", [{"name": "description", "type": 3, "value": "qui a viré Altman ?"}], locale="fr")
    start = await standin.send_interaction(payload)
    callback = await standin.wait_callback(payload, start, timeout=15)
    assert "conseil d'administration d'OpenAI" in callback.json["data"]["embeds"][0]["title"]
    # Command sync is explicit: starting the bot registers nothing.
    assert standin.find("PUT", r"/commands$") == []
    process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()
    assert "closed cleanly" in err.decode()
    for _ in range(40):
        if standin.closed_codes:
            break
        await asyncio.sleep(0.05)
    # The bot closed the gateway with a close frame rather than dropping the connection. (discord.py
    # 2.7's reader answers its own close with code 4000 before the 1000 of Client.close goes out.)
    assert standin.closed_codes and standin.closed_codes[0] in (1000, 4000)
    assert TOKEN not in out.decode() + err.decode()


async def test_sync_registers_the_commands_on_one_guild(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path) -> None:
    process = await start_bot("sync", "--guild", str(GUILD_ID), env=environment(standin, saga_db_path, tmp_path))
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    (request,) = standin.find("PUT", rf"^/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands$")
    assert len(request.json) == 11
    assert "11 commands registered" in out.decode()
    assert TOKEN not in out.decode() + err.decode()


async def test_sync_without_a_token_says_what_is_needed(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path) -> None:
    process = await start_bot("sync", env=environment(standin, saga_db_path, tmp_path, token=None))
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "DISCORD_TOKEN" in err.decode() and "Traceback" not in err.decode()


async def test_a_refused_token_ends_with_a_clear_line(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path) -> None:
    standin.refuse_token = True
    process = await start_bot("run", env=environment(standin, saga_db_path, tmp_path))
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert "Discord refused the token" in err.decode()
    assert TOKEN not in err.decode() and "Traceback" not in err.decode()


async def test_the_token_can_come_from_a_dotenv_file(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8")
    process = await start_bot("sync", env=environment(standin, saga_db_path, tmp_path, token=None))
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert standin.find("PUT", rf"^/applications/{APPLICATION_ID}/commands$")


async def test_a_corrupt_state_database_leaves_questions_working(standin: DiscordStandIn, saga_db_path: Path,
                                                                 tmp_path: Path) -> None:
    (tmp_path / "state.db").write_bytes(b"this is not a database" * 100)
    process = await start_bot("run", env=environment(standin, saga_db_path, tmp_path))
    await standin.wait_ready(timeout=30)
    payload = standin.make_interaction("who", [{"name": "description", "type": 3, "value": "who fired Altman?"}])
    answered = await standin.wait_callback(payload, await standin.send_interaction(payload), timeout=15)
    assert "OpenAI board" in answered.json["data"]["embeds"][0]["title"]
    quiz = standin.make_interaction("quiz", [], subcommand_group="start")
    refused = await standin.wait_callback(quiz, await standin.send_interaction(quiz), timeout=15)
    assert refused.json["data"]["flags"] & 64 and "Quizzes and recaps are unavailable" in refused.json["data"]["content"]
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    log = err.decode()
    assert f"{tmp_path / 'state.db'}: file is not a database" in log and "move it aside" in log
    assert "Traceback" not in log


async def test_discord_out_of_reach_at_start_is_waited_for_without_a_traceback(saga_db_path: Path, tmp_path: Path) -> None:
    closed = DiscordStandIn()
    await closed.start()
    await closed.stop()  # its port now refuses connections: Discord is out of reach
    process = await start_bot("run", env=environment(closed, saga_db_path, tmp_path))
    await asyncio.sleep(4)
    assert process.returncode is None  # still waiting for Discord, not crashed
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    log = err.decode()
    assert process.returncode == 0, log
    assert log.count("Discord can't be reached") >= 2 and "trying again in 2 s" in log
    assert "Traceback" not in log and TOKEN not in log



async def test_discord_lost_mid_run_is_one_line_and_the_bot_comes_back(standin: DiscordStandIn, saga_db_path: Path,
                                                                       tmp_path: Path) -> None:
    process = await start_bot("run", env=environment(standin, saga_db_path, tmp_path))
    await standin.wait_ready(timeout=30)
    question = [{"name": "description", "type": 3, "value": "who fired Altman?"}]
    assert "OpenAI board" in (await ask(standin, "who", question)).json["data"]["embeds"][0]["title"]
    await standin.drop_gateway()
    await asyncio.sleep(4)  # a few attempts fail while Discord is out of reach
    standin.gateway_down = False
    for _ in range(300):
        if standin.resumes:
            break
        await asyncio.sleep(0.1)
    assert standin.resumes, "the bot never came back"
    assert "OpenAI board" in (await ask(standin, "who", question)).json["data"]["embeds"][0]["title"]
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    log = err.decode()
    assert process.returncode == 0, log
    assert "Discord connection lost" in log and "reconnecting in" in log
    assert "Traceback" not in log and TOKEN not in log


@pytest.mark.parametrize(("shards", "identified", "pace"), [("1", [[1, 2]], "23.2"), ("0-1", [[0, 2], [1, 2]], "45.0")])
async def test_a_sharded_process_identifies_exactly_its_shards(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path,
                                                               shards: str, identified: list[list[int]], pace: str) -> None:
    env = environment(standin, saga_db_path, tmp_path)
    env.update(SAGABOT_SHARD_COUNT="2", SAGABOT_SHARDS=shards)
    process = await start_bot("run", env=env)
    for _ in range(300):  # discord.py waits 5 s between two shards' IDENTIFY, as Discord asks
        if len(standin.identifies) >= len(identified):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    assert [payload.get("shard") for payload in standin.identifies] == identified  # these, and nothing else
    # The guild is on shard 1 of 2: its commands are answered.
    answered = await ask(standin, "who", [{"name": "description", "type": 3, "value": "who fired Altman?"}])
    assert "OpenAI board" in answered.json["data"]["embeds"][0]["title"]
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    log = err.decode()
    assert process.returncode == 0, log
    assert f"shards {', '.join(str(shard) for shard, _ in identified)} of 2" in log
    assert all(f"shard {shard} connected" in log for shard, _ in identified)
    assert f"recap fan-out paced at {pace} requests per second" in log  # its shards' share of the bot's limit


async def test_a_wrong_shard_plan_says_what_is_expected(standin: DiscordStandIn, saga_db_path: Path, tmp_path: Path) -> None:
    env = environment(standin, saga_db_path, tmp_path)
    for wrong, says in ({"SAGABOT_SHARD_COUNT": "2", "SAGABOT_SHARDS": "2"}, "SAGABOT_SHARDS wants shard numbers from 0 to 1"), \
                       ({"SAGABOT_REST_BUDGET": "fast"}, "SAGABOT_REST_BUDGET wants requests per second"):
        process = await start_bot("run", env={**env, **wrong})
        _, err = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 2
        assert says in err.decode() and "Traceback" not in err.decode()
    assert standin.identifies == []

# --- faults of the disk, made real in a mount namespace of the bot's own -------------------

@pytest.fixture(scope="module")
def mounts(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Read-only and full file systems need a mount namespace (Linux, as root, as in CI)."""
    if shutil.which("unshare") is None:
        pytest.skip("needs util-linux's unshare to mount a small or read-only file system")
    probe = tmp_path_factory.mktemp("probe")
    result = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(str(probe))}"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount in a new mount namespace here (needs root): {result.stderr.strip()}")


async def start_bot_on(mount: str, folder: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m bot run` with `folder` mounted as `mount` says, in a mount namespace of its own.
    The shell execs Python, so the process is the bot: /proc/<pid>/root shows what it sees."""
    quoted = shlex.quote(str(folder))
    setup = {"read-only": f"mount --bind {quoted} {quoted} && mount -o remount,ro,bind {quoted}",
             "small": f"mount -t tmpfs -o size=1m tmpfs {quoted}"}[mount]
    return await asyncio.create_subprocess_exec("unshare", "-m", "sh", "-c", f'{setup} && exec "$0" -m bot run', sys.executable,
                                                cwd=PROJECT_ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def fill(path: Path) -> None:
    """Write until the file system has no room left."""
    chunk = b"\0" * 65536
    with path.open("wb", buffering=0) as filler:
        while True:
            try:
                filler.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
    assert shutil.disk_usage(path.parent).free < 65536


def reveals_the_answer(request: Recorded) -> bool:
    """The reveal: the question's message edited, its right choice green (style 3)."""
    buttons = [button for row in (request.json or {}).get("components") or [] for button in row.get("components", [])]
    return request.method == "PATCH" and request.path.startswith(f"/channels/{CHANNEL_ID}/messages/") and \
        [button.get("style") for button in buttons].count(3) == 1


async def ask(standin: DiscordStandIn, name: str, options: list[dict], **kwargs: object) -> Recorded:
    payload = standin.make_interaction(name, options, **kwargs)  # type: ignore[arg-type]  # the stand-in's own options
    return await standin.wait_callback(payload, await standin.send_interaction(payload), timeout=15)


async def test_a_read_only_state_database_leaves_questions_working(mounts: None, standin: DiscordStandIn, saga_db_path: Path,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "state"
    env = environment(standin, saga_db_path, tmp_path)
    env["SAGABOT_STATE_DB"] = str(folder / "state.db")
    open_bot_state(dataclasses.replace(Settings.from_environment(), state_db=folder / "state.db")).conn.close()
    process = await start_bot_on("read-only", folder, env)
    await standin.wait_ready(timeout=30)
    answered = await ask(standin, "who", [{"name": "description", "type": 3, "value": "who fired Altman?"}])
    assert "OpenAI board" in answered.json["data"]["embeds"][0]["title"]
    refused = await ask(standin, "recap", [], subcommand_group="list")
    assert refused.json["data"]["flags"] & 64 and "Quizzes and recaps are unavailable" in refused.json["data"]["content"]
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    log = err.decode()
    assert process.returncode == 0, log
    assert f"{folder / 'state.db'}: unable to open database file" in log and "read-only mount" in log
    assert "Traceback" not in log


async def test_a_full_disk_refuses_clearly_and_the_quiz_goes_on_once_there_is_room(mounts: None, standin: DiscordStandIn,
                                                                                    saga_db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "state"
    folder.mkdir()
    env = environment(standin, saga_db_path, tmp_path)
    env.update(SAGABOT_STATE_DB=str(folder / "state.db"), SAGABOT_QUIZ_SECONDS="2", SAGABOT_QUIZ_REVEAL_SECONDS="0.5")
    process = await start_bot_on("small", folder, env)
    await standin.wait_ready(timeout=30)
    seen = Path(f"/proc/{process.pid}/root") / folder.relative_to("/")  # the bot's small disk, from outside
    start = [{"name": "questions", "type": 4, "value": 5}]

    # Full: /quiz start says so, to the member alone; nothing is half-written.
    fill(seen / "filler")
    refused = await ask(standin, "quiz", start, subcommand_group="start")
    assert refused.json["data"]["flags"] & 64 and "storage is having trouble" in refused.json["data"]["content"]

    # Room again: the quiz starts, and a member's answer counts.
    (seen / "filler").unlink()
    started = await ask(standin, "quiz", start, subcommand_group="start")
    assert "Quiz lancé" in started.json["data"]["content"]  # in the server's language
    question = await standin.wait_for(lambda r: r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"
                                      and bool((r.json or {}).get("components")), 15)
    custom_id = question.json["components"][0]["components"][0]["custom_id"]
    message = standin._message(question.json, question, channel_id=str(CHANNEL_ID))
    clicked = await ask(standin, "", [], kind=3, message=message, component={"custom_id": custom_id, "component_type": 2})
    assert "Answer recorded" in clicked.json["data"]["content"]

    # Full again as the deadline passes: the reveal can't be stored, the driver fails and is
    # restarted; once there is room, the same reveal comes, and the quiz goes on.
    fill(seen / "filler")
    await asyncio.sleep(4)
    assert not [r for r in standin.requests if reveals_the_answer(r)]  # not shown before it is stored
    (seen / "filler").unlink()
    reveal = await standin.wait_for(reveals_the_answer, 30)
    first_question = standin.channel_messages[str(CHANNEL_ID)][0]
    assert reveal.path == f"/channels/{CHANNEL_ID}/messages/{first_question['id']}"  # the first question's, not a later one
    assert process.returncode is None
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    log = err.decode()
    assert process.returncode == 0, log
    assert re.search(r"command /quiz start: the state database .* failed \(database or disk is full\)", log)
    assert "the quiz driver failed" in log and TOKEN not in log
