"""/recap in the console: the shell's JSON contract, a session with simulated time (`now:`),
options honoured or refused, times in the subscription's zone, and the real command line."""
from __future__ import annotations

import json
import os
import re
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
    # Sunday as the replay sends it: with Saturday, in one post, and the reply says so
    assert "La saga, jour par jour — samedi 18 et dimanche 19 novembre 2023" in reply["text"]
    assert "avec d'autres jours de peu de nouvelles" in reply["text"]
    assert [event["id"] for event in reply["answer"]["events"]][:2] == ["weekend-negotiations-altman-return", "murati-sought-rehire"]
    session.locale = "en"
    bad = session.reply("/recap frobnicate")
    assert not bad["ok"] and bad["text"].startswith("Expected: /recap preview")
    json.dumps(reply)


def test_a_console_session_runs_the_scheduler_in_simulated_time(index: SagaIndex) -> None:
    session = RecapConsole(index, datetime(2024, 11, 15, 12, 0, tzinfo=UTC))
    assert session.handle("/recap subscribe mode: anniversary time: 08:00 timezone: Europe/Paris", "en")["ok"]
    # in the subscription's zone, in words (it said 2024-11-17T07:00:00+00:00)
    assert "next post: Sunday 17 November 2024 at 08:00 (Europe/Paris)" in session.handle("/recap next", "en")["text"]
    ran = session.handle("/recap run days: 7", "en")["text"]
    assert ran.count("post in channel 1:") == 3  # Friday 17, Sunday 19, Monday 20 — not Saturday
    assert "[Sunday 17 November 2024 at 08:00 (Europe/Paris)] post in channel 1:" in ran
    assert "1 year ago, to the day — Friday 17 November 2023" in ran
    assert "Simulated time: Friday 22 November 2024 at 13:00 (Europe/Paris)" in ran
    again = session.handle("/recap run days: 3 now: 2025-11-16T12:00Z", "en")["text"]
    assert again.count("post in channel 1:") == 2 and "2 years ago" in again  # the 17th and the 19th, within these 3 days
    assert not session.handle("/recap run now: yesterday", "en")["ok"]
    assert "No daily recap" not in session.handle("/recap list", "en")["text"]
    assert session.handle("/recap unsubscribe", "en")["ok"]
    assert "No post until" in session.handle("/recap run days: 400", "en")["text"]


def test_a_session_can_go_back_in_time(index: SagaIndex) -> None:
    session = RecapConsole(index, datetime(2026, 1, 1, tzinfo=UTC))
    session.handle("/recap subscribe time: 09:00 timezone: Asia/Kolkata now: 2025-03-01T00:00Z", "fr")
    ran = session.handle("/recap run days: 5", "fr")["text"]
    # Friday, the weekend, Monday, what came after, the closing post; then the subscription ends
    assert ran.count("message dans le salon 1") == 5
    assert "[samedi 1er mars 2025 à 09:00 (Asia/Kolkata)]" in ran
    # the subscription is over, and the console's own times stay in its zone
    assert ran.startswith("Heure simulée : jeudi 6 mars 2025 à 05:30 (Asia/Kolkata)")
    assert "La saga : ce qui l'a précédée" in ran and "Aucun récapitulatif" in session.handle("/recap list", "fr")["text"]


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
    ("/recap subscribe channel: #general", "the console knows channels by their id only. Expected: a channel id"),
    ("/recap subscribe salon: #général", "Expected: a channel id"),
    # words it cannot place, or an option it does not take, were dropped and the default used
    ("/recap subscribe #general", "/recap subscribe can't use \"#general\". Its options are written name: value; they are: "
                                  "channel, mode, now, time and timezone."),
    ("/recap subscribe chanel: 5", "/recap subscribe can't use"),
    ("/recap list mode: digest", "/recap list can't use \"mode:\""),
    ("/recap pause tomorrow", "/recap pause can't use \"tomorrow\""),
    ("/recap run days: many", "I can't read the number of days \"many\""),
    ("/recap run 9999", "Expected: a whole number from 0 to 400"),
])
def test_an_impossible_value_is_refused_and_the_session_goes_on(index: SagaIndex, line: str, expected: str) -> None:
    session = RecapConsole(index, datetime(2024, 11, 15, 12, 0, tzinfo=UTC))
    refused = session.handle(line, "en")
    assert not refused["ok"] and expected in refused["text"]
    assert session.handle("/recap list", "en")["ok"]  # nothing was saved, nothing is broken
    assert session.handle("/recap subscribe channel: <#1234>", "en")["ok"]
    assert [line for line in session.handle("/recap list", "en")["text"].splitlines() if line.startswith("•")] == [
        line for line in session.handle("/recap list", "en")["text"].splitlines() if "#1234" in line]  # only what was asked


@pytest.mark.parametrize(("line", "channel"), [
    ("/recap subscribe channel: #123", 123), ("/recap subscribe channel: 123", 123), ("/recap subscribe salon: 77", 77),
    ("/recap subscribe channel: <#42>", 42), ("/recap subscribe", 1),
])
def test_the_channel_option_is_honoured(index: SagaIndex, line: str, channel: int) -> None:
    session = RecapConsole(index, datetime(2024, 11, 15, 12, 0, tzinfo=UTC))
    reply = session.handle(line, "en")
    assert reply["ok"] and f" in #{channel}," in reply["text"]
    assert f"• #{channel} — " in session.handle("/recap list", "en")["text"]


@pytest.mark.parametrize("line", ["/recap subscribe channel: 5", "/recap subscribe time: 18:30 channel: 5",
                                  "/recap subscribe salon: 5 fuseau: America/Los_Angeles"])
def test_a_digest_stays_a_digest_when_no_mode_is_given(index: SagaIndex, line: str) -> None:
    session = RecapConsole(index, datetime(2024, 11, 15, 12, 0, tzinfo=UTC))
    assert session.handle("/recap subscribe channel: 5 mode: digest", "en")["ok"]
    reply = session.handle(line, "en")
    assert reply["ok"] and "(digest)" in reply["text"] and "replay" not in reply["text"]
    assert "digest" in session.handle("/recap list", "en")["text"]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_replay_run_tells_shears_appointment_before_the_closing_post(index: SagaIndex, locale: str) -> None:
    shear = next(event for event in index.events if event.id == "shear-named-interim-ceo")
    session = RecapConsole(index, datetime(2024, 11, 16, 7, 0, tzinfo=UTC))
    assert session.handle("/recap subscribe", locale)["ok"]
    ran = session.handle("/recap run days: 8", locale)["text"]
    closing = ran.index({"fr": "La saga : ce qui l'a précédée", "en": "The saga: what came before"}[locale])
    told = ran.find(shear.summary[locale])
    assert 0 <= told < closing
    line = ran[ran.rfind("\n", 0, told):told]
    assert {"fr": "entre le dimanche 19 et le lundi 20 novembre 2023", "en": "between Sunday 19 and Monday 20 November 2023"}[locale] \
        in line  # marked with its range
    weekend = ran.find(index.events_by_id["weekend-negotiations-altman-return"].summary[locale])
    assert 0 <= weekend < told


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_days_preview_is_word_for_word_the_replays_post(index: SagaIndex, locale: str) -> None:
    session = RecapConsole(index, datetime(2024, 11, 16, 7, 0, tzinfo=UTC))
    session.handle("/recap subscribe channel: 9", locale)
    ran = session.handle("/recap run days: 8", locale)["text"]
    for offset in range(14):  # the saga's span, Friday 17 to Thursday 30
        day = f"2023-11-{17 + offset}"
        reply = session.handle(f"/recap preview {day}", locale)
        assert reply["ok"], day
        post = reply["text"].split("\n", 1)[1]  # after the preview's own header
        assert post.startswith("**") and post in ran, day


RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|[+-]\d{2}:\d{2}\b|\bUTC\b")
SESSION = ["/recap subscribe", "/recap list", "/recap next", "/recap preview", "/recap preview dimanche", "/recap preview 2023-11-25",
           "/recap run days: 2", "/recap pause", "/recap list", "/recap next", "/recap resume", "/recap subscribe mode: digest",
           "/recap list", "/recap next", "/recap run days: 2", "/recap preview", "/recap subscribe mode: anniversary",
           "/recap next", "/recap run days: 3", "/recap unsubscribe", "/recap next", "/recap run days: 1"]


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("step", range(len(SESSION)), ids=lambda step: SESSION[step].removeprefix("/recap "))
def test_no_recap_reply_shows_a_raw_or_utc_time_to_a_paris_subscription(index: SagaIndex, locale: str, step: int) -> None:
    session = RecapConsole(index, datetime(2024, 11, 16, 7, 0, tzinfo=UTC))
    for line in SESSION[:step]:
        session.handle(line, locale)
    reply = session.handle(SESSION[step], locale)
    assert reply["ok"], reply["text"]
    assert RAW_TIME.search(reply["text"]) is None, reply["text"]
    if SESSION[step].split()[1] in ("subscribe", "next", "list", "resume"):  # each tells a time
        assert "(Europe/Paris)" in reply["text"] or "Aucun envoi" in reply["text"] or "No post" in reply["text"]


def test_a_utc_subscription_is_told_in_utc(index: SagaIndex) -> None:
    session = RecapConsole(index, datetime(2024, 11, 16, 7, 0, tzinfo=UTC))
    reply = session.handle("/recap subscribe timezone: UTC", "en")
    assert "Next post: Saturday 16 November 2024 at 09:00 (UTC)" in reply["text"]
    assert "[Saturday 16 November 2024 at 09:00 (UTC)] post in channel 1:" in session.handle("/recap run", "en")["text"]
