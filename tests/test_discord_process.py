"""`python -m bot run` and `python -m bot sync` as a new user runs them: real processes, pointed
at the loopback stand-in through DISCORD_API_BASE and DISCORD_GATEWAY_URL."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

from .discord_standin import APPLICATION_ID, GUILD_ID, DiscordStandIn

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
