"""The console: line parsing, the JSON contract, bad lines, and the real command line
(`python -m bot shell`, `python -m bot run`) in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answering.index import SagaIndex, load_index
from bot.console import Line, ShellSession, handle_line, parse_line
from bot.settings import PROJECT_ROOT, Settings

CONTRACT_KEYS = {"command", "ok", "locale", "text", "answer"}
ANSWER_KEYS = {"kind", "people", "date", "figures", "events"}
EVENT_KEYS = {"id", "date", "actors", "summary", "sources"}


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def run_bot(saga_db_path: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SAGABOT_SAGA_DB": str(saga_db_path)}
    environment.pop("DISCORD_TOKEN", None)  # the test says whether there is one
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, input=stdin, capture_output=True,
                          text=True, timeout=60, env=environment)


@pytest.mark.parametrize(("line", "expected"), [
    ("/who qui a viré Altman ?", Line("who", "qui a viré Altman ?")),
    ("/who description: qui a viré Altman ?", Line("who", "", {"description": "qui a viré Altman ?"})),
    ("  /WHEN   Brockman démissionne ", Line("when", "Brockman démissionne")),
    ("/timeline day: dimanche entity: Murati", Line("timeline", "", {"day": "dimanche", "entity": "Murati"})),
    ("/timeline lundi Microsoft", Line("timeline", "lundi Microsoft")),
    ("/role role: PDG par intérim date: 2023-11-19", Line("role", "", {"role": "PDG par intérim", "date": "2023-11-19"})),
    ("qui a viré Altman ?", Line("ask", "qui a viré Altman ?")),
    ("/quote words: Breaking: 505 of 700", Line("quote", "", {"words": "Breaking: 505 of 700"})),
    ("/frobnicate now", Line("frobnicate", "now")),
])
def test_a_line_is_a_command_and_its_arguments(line: str, expected: Line) -> None:
    assert parse_line(line) == expected


def test_every_reply_has_exactly_the_contract(index: SagaIndex) -> None:
    for line in ("/who qui a viré Altman ?", "/when brockmann quit", "/ask how many employees signed the letter?",
                 "/quote la mission continue", "/timeline dimanche", "/role interim CEO", "/help", "/frobnicate",
                 "/ask who is the CEO of Google?"):
        reply = handle_line(index, line)
        assert set(reply) == CONTRACT_KEYS, line
        assert set(reply["answer"]) == ANSWER_KEYS, line
        assert isinstance(reply["text"], str) and reply["text"], line
        for event in reply["answer"]["events"]:
            assert set(event) == EVENT_KEYS, line
            assert set(event["summary"]) == {"fr", "en"}, line
        json.dumps(reply)


def test_a_when_answer_keeps_the_date_precision_and_the_source(index: SagaIndex) -> None:
    reply = handle_line(index, "/when quand Brockman a-t-il démissionné ?")
    event = reply["answer"]["events"][0]
    assert event["id"] == "brockman-resigns" and event["date"] == "2023-11-17T13:30-08:00"
    assert "Greg Brockman" in event["actors"]
    assert {source["article"] for source in event["sources"]} >= {"002_99f45fcf0fc44606.txt"}
    assert "13 h 30" in reply["text"] and "heure du Pacifique" in reply["text"] and "Business Insider" in reply["text"]


def test_a_range_is_said_to_be_a_range(index: SagaIndex) -> None:
    english = handle_line(index, "/when when was Shear named interim CEO?")
    assert english["answer"]["date"] == "2023-11-19/2023-11-20"
    # the headline is the answer, and says the articles give no exact day
    assert english["text"].startswith("Between Sunday 19 and Monday 20 November 2023 — the articles do not say exactly")
    french = handle_line(index, "/when quand Shear a-t-il été nommé ?")
    assert french["text"].startswith("Entre le dimanche 19 et le lundi 20 novembre 2023 — les articles ne précisent pas")


def test_a_hedged_event_is_presented_as_reported(index: SagaIndex) -> None:
    reply = handle_line(index, "/who who led the campaign to oust Altman?")
    assert reply["answer"]["people"][0] == "Ilya Sutskever"
    assert "reportedly" in reply["text"] and "not confirmed" in reply["text"]


def test_disagreeing_articles_are_both_shown(index: SagaIndex) -> None:
    reply = handle_line(index, "/ask how many employees signed the letter?")
    assert "The articles disagree" in reply["text"]
    assert "« 505 of 700 employees »" in reply["text"] and "près de 500" in reply["text"]
    time = handle_line(index, "/when what time did OpenAI announce Altman was out?")
    assert "vendredi soir" in time["text"] or "Friday evening" in time["text"]


def test_quotes_stay_french_and_english_readers_get_a_marked_translation(index: SagaIndex) -> None:
    english = handle_line(index, '/ask who said "the mission continues"?')
    assert "« la mission continue »" in english["text"] and "translation: “the mission continues”" in english["text"]
    assert english["answer"]["events"][0]["sources"][0]["quote"] in ("la mission continue", "La mission continue")
    french = handle_line(index, "/quote la mission continue")
    assert "traduction" not in french["text"] and "translation" not in french["text"]


@pytest.mark.parametrize(("line", "expected"), [
    ("/frobnicate now", "/who"),
    ("/who", "/who <description>"),
    ("/when", "/when <description>"),
    ("/what", "/what <"),
    ("/quote", "/quote <"),
    ("/source", "/source <"),
    ("/ask", "/ask <"),
    ("/role date: someday", "2023-11-19"),
    ("/role interim CEO date: the day after", "2023-11-19"),
    ("/timeline day: never", "2023-11-19"),
    ("/timeline entity: Zorglub", "/timeline [day]"),
    ("/role xyzzy", "CEO"),
    ("?", "/help"),
])
def test_a_line_that_cannot_be_understood_says_what_is_expected(index: SagaIndex, line: str, expected: str) -> None:
    reply = handle_line(index, line)
    assert reply["ok"] is False
    assert reply["answer"]["kind"] == "error"
    assert expected in reply["text"], reply["text"]


def test_the_locale_option_forces_the_language(index: SagaIndex) -> None:
    reply = handle_line(index, "/who who fired Altman?", "fr")
    assert reply["locale"] == "fr" and "vendredi 17 novembre 2023" in reply["text"]


@pytest.mark.parametrize("line", ["", "/", "//who", "/who description:", "/timeline day: entity:", "/role role:", "«»", "/ask ????",
                                  "/source " + "x" * 5000, "/who " + "altman " * 400, "\x00\x01", "/when 2023-13-45"])
def test_odd_lines_never_raise(index: SagaIndex, line: str) -> None:
    reply = handle_line(index, line)
    assert set(reply) == CONTRACT_KEYS and reply["text"]


def test_shell_json_answers_each_line_with_one_object(saga_db_path: Path) -> None:
    result = run_bot(saga_db_path, "shell", "--json", "-c", "/who qui a viré Altman ?", "-c", "/when when did brockmann quit?",
                     "-c", "/ask who is the CEO of Google?")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [reply["command"] for reply in replies] == ["who", "when", "ask"]
    assert replies[0]["answer"]["people"][0] == "OpenAI board" and replies[0]["locale"] == "fr"
    assert replies[1]["answer"]["date"] == "2023-11-17T13:30-08:00" and replies[1]["locale"] == "en"
    assert replies[2]["answer"]["kind"] == "unknown" and replies[2]["answer"]["people"] == []


def test_shell_reads_lines_on_standard_input(saga_db_path: Path) -> None:
    result = run_bot(saga_db_path, "shell", "--json", "--locale", "en", stdin="qui a remplacé Murati ?\n\n/frobnicate\n")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 2
    assert replies[0]["answer"]["people"] == ["Emmett Shear"] and replies[0]["locale"] == "en"
    assert replies[1]["ok"] is False
    assert "Traceback" not in result.stderr


def test_shell_prints_text_without_json(saga_db_path: Path) -> None:
    result = run_bot(saga_db_path, "shell", "-c", "/ask combien d'employés ont signé la lettre ?")
    assert result.returncode == 0, result.stderr
    assert "505" in result.stdout and "{" not in result.stdout.splitlines()[0]


@pytest.mark.parametrize("args", [("shell", "--locale", "de"), ("shell", "-c"), ("shell", "--jsn")])
def test_bad_shell_usage_exits_2(saga_db_path: Path, args: tuple[str, ...]) -> None:
    result = run_bot(saga_db_path, *args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_run_without_token_starts_the_console_and_says_how_to_connect(saga_db_path: Path) -> None:
    result = run_bot(saga_db_path, "run", stdin="/who qui a viré Altman ?\n")
    assert result.returncode == 0, result.stderr
    assert "DISCORD_TOKEN" in result.stderr
    assert "conseil d'administration d'OpenAI" in result.stdout


@pytest.mark.parametrize(("line", "locale", "names"), [
    ("/aide", "fr", ("/qui", "/chronologie", "/quiz", "/récap", "/aide")),
    ("/help", "en", ("/who", "/timeline", "/quiz", "/recap", "/help")),
])
def test_help_in_either_language_lists_every_command(index: SagaIndex, line: str, locale: str, names: tuple[str, ...]) -> None:
    reply = handle_line(index, line)
    assert reply["ok"] and reply["locale"] == locale
    for name in names:
        assert name in reply["text"]


def test_at_least_stays_at_least_in_english(index: SagaIndex) -> None:
    reply = handle_line(index, "/ask how much did microsoft invest in openai?")
    assert "at least 10 billion" in reply["text"] and "more than 10 billion" not in reply["text"]


def test_quiz_and_recap_subcommands_answer_to_their_french_names(index: SagaIndex, tmp_path: Path) -> None:
    session = ShellSession(Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db"), index)
    preview = session.reply("/récap aperçu dimanche")
    assert preview["ok"] and preview["locale"] == "fr" and "dimanche 19 novembre 2023" in preview["text"]
    started = session.reply("/quiz lancer 5 easy")
    assert started["locale"] == "fr" and "Quiz lancé" in started["text"]
    assert "Quiz arrêté" in session.reply("/quiz arrêter")["text"]
    assert session.reply("/récap liste")["locale"] == "fr"  # nothing else to tell the language by


def test_a_console_quiz_keeps_to_the_consoles_own_state_database(index: SagaIndex, tmp_path: Path) -> None:
    settings = Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db",
                        console_state_db=tmp_path / "console-state.db")
    session = ShellSession(settings, index, "en")
    assert "Quiz started" in session.reply("/quiz start 5")["text"]
    assert settings.console_state_db.exists()
    assert not settings.state_db.exists()  # the Discord bot's state is never touched by the console


def arabic_indic(text: str) -> str:
    """'2023-11-19' in Arabic-Indic digits, as a phone keyboard may type it."""
    return text.translate({ord(digit): 0x0660 + int(digit) for digit in "0123456789"})


@pytest.mark.parametrize("line", [f"/recap preview day: {arabic_indic('2023-11-19')}", f"/timeline day: {arabic_indic('2023-11-19')}",
                                  f"/role CEO date: {arabic_indic('19')} novembre"])
def test_digits_of_other_scripts_read_as_digits(index: SagaIndex, tmp_path: Path, line: str) -> None:
    session = ShellSession(Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db",
                                    console_state_db=tmp_path / "console.db"), index, "en")
    reply = session.reply(line)
    assert reply["ok"], reply["text"]
    assert "19 November 2023" in reply["text"]


@pytest.mark.parametrize(("line", "ok"), [("/quiz start ²", True), ("/quiz bogus", False), ("/quiz:", True)])
def test_odd_quiz_lines_get_the_usage_never_an_empty_reply(index: SagaIndex, tmp_path: Path, line: str, ok: bool) -> None:
    session = ShellSession(Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db",
                                    console_state_db=tmp_path / "console.db"), index, "en")
    reply = session.reply(line)
    assert reply["ok"] is ok and reply["text"].startswith("Quiz: /quiz start")


@pytest.mark.parametrize("line", ["x" * 1_000_000, "/timeline day: " + "9" * 1_000_000, "/recap preview " + "d" * 1_000_000])
def test_a_huge_line_gets_a_short_clear_refusal(index: SagaIndex, tmp_path: Path, line: str) -> None:
    session = ShellSession(Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db",
                                    console_state_db=tmp_path / "console.db"), index, "en")
    reply = session.reply(line)
    assert not reply["ok"] and len(reply["text"]) < 200 and "at most 1000 characters" in reply["text"]


def test_an_echoed_word_is_shown_short(index: SagaIndex) -> None:
    reply = handle_line(index, "/timeline day: " + "nope " * 100)
    assert not reply["ok"] and len(reply["text"]) < 250 and "…" in reply["text"]


@pytest.mark.parametrize(("locale", "first", "then", "expected"), [
    (None, "/quiz start --user ana", "/quiz classement", "Personne n'a encore joué"),  # each command line in its language
    (None, "/quiz lancer --user ana", "/quiz leaderboard", "Nobody has played yet"),
    ("fr", "/quiz start --user ana", "/quiz leaderboard", "Personne n'a encore joué"),  # --locale wins
])
def test_the_console_quiz_follows_the_language_of_each_command(index: SagaIndex, tmp_path: Path, locale: str | None, first: str,
                                                               then: str, expected: str) -> None:
    session = ShellSession(Settings(tmp_path, tmp_path, tmp_path, tmp_path / "saga.db", tmp_path / "state.db",
                                    console_state_db=tmp_path / "console.db"), index, locale)  # type: ignore[arg-type]
    session.reply(first)
    assert expected in session.reply(then)["text"]
