"""Every command and option of the console, with generated input (hypothesis): each line gets a
reply of the JSON contract, never the internal error. The lines are built from the commands'
declarations, so a new command or option is fuzzed as soon as it is declared."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.index import SagaIndex, load_index
from bot.commands import COMMANDS, Command
from bot.console import ShellSession
from bot.messages import say
from bot.settings import Settings

# What members type by accident or on purpose: other scripts' digits, huge numbers, mentions,
# masked links, markdown, dates out of range, empty values.
NASTY = st.sampled_from([
    "", " ", "0", "-1", "99999999999999999999999", "²", "\u0662\u0660\u0662\u0663-\u0661\u0661-\u0661\u0669", "9999-12-31T23:59+00:00",
    "@everyone", "<@&456>", "<#12>", "[free](https://evil.example)", "**bold**", "dimanche", "Friday", "2023-11-19", "25:99",
    "Mars/Olympus", "replay", "hard", "who", "Altman", "\x00", "é" * 50, "/quiz", "now:", "day:",
])
VALUES = st.one_of(NASTY, st.text(max_size=30))


def _all_parts(command: Command) -> list[Command]:
    return [command, *command.subcommands]


@st.composite
def lines(draw: st.DrawFn) -> str:
    command = draw(st.sampled_from(COMMANDS))
    part = draw(st.sampled_from(_all_parts(command)))
    name = draw(st.sampled_from([command.name, command.title("fr")]))
    words = [f"/{name}"]
    if part is not command:
        words.append(draw(st.sampled_from([part.action, part.title("fr")])))
    words.append(draw(VALUES))
    for option in draw(st.lists(st.sampled_from(part.options), max_size=3)) if part.options else []:
        words.append(f"{option.name}: {draw(VALUES)}")
    return " ".join(words)


@pytest.fixture(scope="module")
def session(saga_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> ShellSession:
    folder = tmp_path_factory.mktemp("fuzz")
    index: SagaIndex = load_index(saga_db_path)
    return ShellSession(Settings(folder, folder, folder, saga_db_path, folder / "state.db", console_state_db=folder / "console.db"),
                        index)


INTERNAL = {say("error.internal", "fr"), say("error.internal", "en")}


@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=st.one_of(lines(), st.text(max_size=40)))
def test_every_console_line_gets_a_reply_never_an_internal_error(session: ShellSession, line: str) -> None:
    if not line.strip():
        return  # the shell skips empty lines
    reply = session.reply(line)
    assert set(reply) == {"command", "ok", "locale", "text", "answer"}
    assert reply["text"].strip(), line
    assert reply["text"] not in INTERNAL, line
