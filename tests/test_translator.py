"""Discord-side helpers: choices from the declarations, members' words kept inert, permissions
checked on the channel a command acts on."""
from __future__ import annotations

import re

import discord
import pytest

from bot.cogs.recap import find_member_permissions
from bot.commands import QUIZ, find_option, find_subcommand
from bot.translator import escape_user_text, make_choices


@pytest.mark.parametrize("name", ["@everyone [free](https://evil.example)", "<@&456> **bold** `code`", "@here ~~gone~~ ||spoiler||"])
def test_a_display_name_shows_as_plain_text(name: str) -> None:
    shown = escape_user_text(name)
    assert "@everyone" not in shown and "@here" not in shown and "<@" not in shown
    assert re.search(r"(?<!\\)[*`~|\[]", shown) is None  # every markdown character escaped
    assert "://" not in shown  # no bare link either


def test_plain_names_stay_as_they_are() -> None:
    assert escape_user_text("Alice Martin") == "Alice Martin"


def test_choices_come_from_the_declaration() -> None:
    difficulty = find_option(find_subcommand(QUIZ, "quiz_start"), "difficulty")
    assert [choice.value for choice in make_choices(difficulty)] == list(difficulty.choices) == ["easy", "medium", "hard"]


MANAGE = discord.Permissions(manage_channels=True)
NONE = discord.Permissions.none()


def recap_data(channel: str | None, resolved_permissions: str | None) -> dict:
    options = [{"name": "channel", "type": 7, "value": channel}] if channel else []
    data: dict = {"name": "recap", "type": 1, "options": [{"name": "pause", "type": 1, "options": options}]}
    if channel and resolved_permissions is not None:
        data["resolved"] = {"channels": {channel: {"id": channel, "type": 0, "name": "b", "permissions": resolved_permissions}}}
    return data


@pytest.mark.parametrize(("data", "typed_in", "can"), [
    (recap_data(None, None), MANAGE, True),  # no channel named: where it is typed
    (recap_data(None, None), NONE, False),
    (recap_data("222", str(NONE.value)), MANAGE, False),  # Manage Channels in A says nothing of B
    (recap_data("222", str(MANAGE.value)), NONE, True),
    (recap_data("222", None), MANAGE, False),  # not resolved for this member: nothing granted
])
def test_manage_channels_is_checked_on_the_channel_named(data: dict, typed_in: discord.Permissions, can: bool) -> None:
    assert find_member_permissions(data, typed_in).manage_channels is can
