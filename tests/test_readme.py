"""The README documents every command: the console's slash commands and the command line's."""
from __future__ import annotations

import re

import pytest

from bot.__main__ import make_parser
from bot.commands import COMMANDS, write_command_table
from bot.console import OPTIONS
from bot.answering.replies import HELP_COMMANDS
from bot.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_slash_command_table_is_the_declarations() -> None:
    """The README's table is generated from bot/commands.py: regenerate it with
    `python -c "from bot.commands import write_command_table; print(write_command_table())"`."""
    block = re.search(r"<!-- commands:[^>]*-->\n(?P<table>.*?)\n<!-- /commands -->", README, re.DOTALL)
    assert block, "the README has no generated command table"
    assert block["table"] == write_command_table()


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_every_slash_command_has_a_row_with_a_description(command: str) -> None:
    row = re.search(rf"^\| `/{command}\b[^|]*\|[^|]*\|[^|]*\| (?P<description>[^|]+)\|$", README, re.MULTILINE)
    assert row, f"/{command} has no row in the README's command table"
    assert len(row["description"].strip()) > 5


def _cli_commands() -> list[str]:
    parser = make_parser()
    (commands,) = [action for action in parser._actions if action.dest == "command"]
    names = []
    for name, sub in commands.choices.items():
        nested = [a for a in sub._actions if getattr(a, "choices", None) and a.dest.endswith("_command")]
        names += [f"{name} {child}" for action in nested for child in action.choices] or [name]
    return names


@pytest.mark.parametrize("command", _cli_commands())
def test_every_command_line_command_is_documented(command: str) -> None:
    assert re.search(rf"^\| `python -m bot {re.escape(command)}\b", README, re.MULTILINE), f"`python -m bot {command}` is not in the README"


def test_every_table_of_the_saga_database_is_documented() -> None:
    from bot.curation.build import TABLES

    section = README.split("## The saga database", 1)[1].split("\n## ", 1)[0]
    documented = {name for cell in re.findall(r"^\| ([^|]+) \|", section, re.MULTILINE) for name in re.findall(r"`(\w+)`", cell)}
    assert set(TABLES) - documented == set()


def test_help_lists_every_declared_command() -> None:
    assert set(HELP_COMMANDS) == {command.name for command in COMMANDS}
