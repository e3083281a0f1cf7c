"""Discord-side helpers: choices from the declarations, and members' words kept inert."""
from __future__ import annotations

import re

import pytest

from bot.commands import QUIZ, find_option, find_subcommand
from bot.translator import escape_user_text, make_choices


@pytest.mark.parametrize("name", ["@everyone [free](https://evil.example)", "<@&456> **bold** `code`", "@here ~~gone~~ ||spoiler||"])
def test_a_display_name_shows_as_plain_text(name: str) -> None:
    shown = escape_user_text(name)
    assert "@everyone" not in shown and "@here" not in shown and "<@" not in shown
    assert re.search(r"(?<!\\)[*`~|\[]", shown) is None  # every markdown character escaped


def test_plain_names_stay_as_they_are() -> None:
    assert escape_user_text("Alice Martin") == "Alice Martin"


def test_choices_come_from_the_declaration() -> None:
    difficulty = find_option(find_subcommand(QUIZ, "quiz_start"), "difficulty")
    assert [choice.value for choice in make_choices(difficulty)] == list(difficulty.choices) == ["easy", "medium", "hard"]
