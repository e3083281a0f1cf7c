"""/recap in the console: the shell's JSON contract, a session with simulated time (`now:`),
and the real command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.answering.index import SagaIndex, load_index
from bot.console import ShellSession
from bot.recap.console import RecapConsole, parse_now, parse_recap_line
from bot.settings import PROJECT_ROOT, Settings


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def test_recap_lines_are_read_like_discord_options() -> None:
    line = parse_recap_line("/recap subscribe time: 18:30 timezone: America/Los_Angeles mode: digest channel: 3")
    assert (line.action, line.text) == ("subscribe", "")
    assert line.options == {"time": "18:30", "timezone": "America/Los_Angeles", "mode": "digest", "channel": "3"}
    assert parse_recap_line("/recap preview dimanche").text == "dimanche"
    assert parse_now("2024-11-17T08:00+01:00") == datetime(2024, 11, 17, 7, 0, tzinfo=UTC)
    assert parse_now("2024-11-17T08:00Z") == datetime(2024, 11, 17, 8, 0, tzinfo=UTC)
    assert parse_now("2024-11-17T08:00") is None and parse_now("tomorrow") is None


def test_the_shell_answers_recap_preview_with_the_json_contract(index: SagaIndex, tmp_path: Path) -> None:
    session = ShellSession(Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db"), index, "fr")
    reply = session.reply("/recap preview day: dimanche")
    assert set(reply) == {"command", "ok", "locale", "text", "answer"} and reply["ok"]
    assert set(reply["answer"]) == {"kind", "people", "date", "figures", "events"} and reply["answer"]["kind"] == "recap"
    assert "La saga, jour par jour — dimanche 19 novembre 2023" in reply["text"]
    assert [event["id"] for event in reply["answer"]["events"]] == ["murati-sought-rehire"]
    session.locale = "en"
    bad = session.reply("/recap frobnicate")
    assert not bad["ok"] and bad["text"].startswith("Expected: /recap preview")
    json.dumps(reply)


def test_a_console_session_runs_the_scheduler_in_simulated_time(index: SagaIndex) -> None:
    session = RecapConsole(index, datetime(2024, 11, 15, 12, 0, tzinfo=UTC))
    assert session.handle("/recap subscribe mode: anniversary time: 08:00 timezone: Europe/Paris", "en")["ok"]
    assert "next post: 2024-11-17T07:00:00+00:00" in session.handle("/recap next", "en")["text"]
    ran = session.handle("/recap run days: 7", "en")["text"]
    assert ran.count("post in channel 1:") == 3  # Friday 17, Sunday 19, Monday 20 — not Saturday
    assert "1 year ago, to the day — Friday 17 November 2023" in ran
    assert "Simulated time: 2024-11-22T12:00:00+00:00" in ran
    again = session.handle("/recap run days: 3 now: 2025-11-16T12:00Z", "en")["text"]
    assert again.count("post in channel 1:") == 2 and "2 years ago" in again  # the 17th and the 19th, within these 3 days
    assert not session.handle("/recap run now: yesterday", "en")["ok"]
    assert "No daily recap" not in session.handle("/recap list", "en")["text"]
    assert session.handle("/recap unsubscribe", "en")["ok"]
    assert "No post until" in session.handle("/recap run days: 400", "en")["text"]


def test_a_session_can_go_back_in_time(index: SagaIndex) -> None:
    session = RecapConsole(index, datetime(2026, 1, 1, tzinfo=UTC))
    session.handle("/recap subscribe time: 09:00 timezone: Asia/Kolkata now: 2025-03-01T00:00Z", "fr")
    ran = session.handle("/recap run days: 4", "fr")["text"]
    assert ran.count("message dans le salon 1") == 3  # Friday, the weekend, the closing post; then the subscription ends
    assert "La saga en bref" in ran and "Aucun récapitulatif" in session.handle("/recap list", "fr")["text"]


def test_the_shell_takes_recap_lines(saga_db_path: Path) -> None:
    environment = {**os.environ, "SAGABOT_SAGA_DB": str(saga_db_path)}
    environment.pop("DISCORD_TOKEN", None)
    result = subprocess.run([sys.executable, "-m", "bot", "shell", "--json", "--locale", "en", "-c", "/recap preview 2023-11-20",
                             "-c", "/recap subscribe now: 2025-03-03T00:00Z", "-c", "/recap run days: 1"],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, env=environment)
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [reply["ok"] for reply in replies] == [True, True, True]
    assert "The saga, day by day — Monday 20 November 2023" in replies[0]["text"]
    assert "post in channel 1:" in replies[2]["text"] and "Friday 17 November 2023" in replies[2]["text"]


@pytest.mark.parametrize(("line", "expected"), [
    ("/recap subscribe now: 9999-12-31T23:59+00:00", "Expected: an ISO 8601 time"),
    ("/recap subscribe channel: 99999999999999999999999", "Expected: a channel id"),
    ("/recap subscribe channel: #general", "Expected: a channel id"),
])
def test_an_impossible_value_is_refused_and_the_session_goes_on(index: SagaIndex, line: str, expected: str) -> None:
    session = RecapConsole(index, datetime(2024, 11, 15, 12, 0, tzinfo=UTC))
    refused = session.handle(line, "en")
    assert not refused["ok"] and expected in refused["text"]
    assert session.handle("/recap list", "en")["ok"]  # nothing was saved, nothing is broken
    assert session.handle("/recap subscribe channel: <#1234>", "en")["ok"]
