"""Every command and option of the console, with generated input (hypothesis): each line gets a
reply of the JSON contract, never the internal error. The lines are built from the commands'
declarations, so a new command or option is fuzzed as soon as it is declared."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.index import SagaIndex, load_index
from bot.commands import COMMANDS, Command, Option
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


def _build_lines(command: Command, part: Command) -> st.SearchStrategy[str]:
    """Lines of one command (or subcommand): its English or French name, free words, options."""
    names = st.sampled_from([command.name, command.title("fr")])
    actions = st.sampled_from([part.action, part.title("fr")]) if part is not command else st.just("")
    options = st.lists(st.tuples(st.sampled_from(part.options), VALUES), max_size=3) if part.options else st.just([])

    def join(name: str, action: str, words: str, chosen: list[tuple[Option, str]]) -> str:
        return " ".join([f"/{name}", *([action] if action else []), words, *(f"{option.name}: {value}" for option, value in chosen)])

    return st.builds(join, names, actions, VALUES, options)


# Built once: a strategy made inside a composite each time costs more than the line it makes.
LINES = st.one_of([_build_lines(command, part) for command in COMMANDS for part in (command, *command.subcommands)])


@pytest.fixture(scope="module")
def session(saga_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> ShellSession:
    folder = tmp_path_factory.mktemp("fuzz")
    index: SagaIndex = load_index(saga_db_path)
    return ShellSession(Settings(folder, folder, folder, saga_db_path, folder / "state.db", console_state_db=folder / "console.db"),
                        index)


INTERNAL = {say("error.internal", "fr"), say("error.internal", "en")}


# 2,000 sessions of 5 lines: 10,000 generated lines. Hypothesis spends less per line drawn in
# a list than per example, and a few lines in a row also try sequences (a quiz started, then
# answered; a recap subscribed, then run).
LINES_PER_EXAMPLE = 5


@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(LINES, st.text(max_size=40)), min_size=LINES_PER_EXAMPLE, max_size=LINES_PER_EXAMPLE))
def test_every_console_line_gets_a_reply_never_an_internal_error(session: ShellSession, lines: list[str]) -> None:
    for line in lines:
        if not line.strip():
            continue  # the shell skips empty lines
        reply = session.reply(line)
        assert set(reply) == {"command", "ok", "locale", "text", "answer"}
        assert reply["text"].strip(), line
        assert reply["text"] not in INTERNAL, line
