"""Every slash command, as sent to Discord in English and French, within Discord's documented limits."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import discord
from discord import Locale

from bot.client import SagaBot, open_bot_state
from bot.settings import Settings
from bot.translator import CatalogueTranslator

NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def payloads(saga_db_path: Path, tmp_path: Path) -> list[dict]:
    from bot.answering.index import load_index

    settings = Settings(tmp_path, tmp_path, tmp_path, saga_db_path, tmp_path / "state.db")
    bot = SagaBot(settings, load_index(saga_db_path), open_bot_state(settings))
    await bot.setup_hook()
    translator = CatalogueTranslator()
    found = [await command.get_translated_payload(bot.tree, translator) for command in bot.tree.get_commands()]
    for name in list(bot.cogs):
        await bot.remove_cog(name)  # stops the cogs' background tasks
    return found


def _check_name(name: str) -> None:
    assert NAME.match(name) and name == name.lower(), name


def _check_description(text: str) -> None:
    assert 1 <= len(text) <= 100, text


async def test_every_command_is_there(payloads: list[dict]) -> None:
    assert sorted(p["name"] for p in payloads) == ["ask", "help", "quiz", "quote", "recap", "role", "source", "timeline", "what", "when", "who"]
    (recap,) = [p for p in payloads if p["name"] == "recap"]
    assert sorted(o["name"] for o in recap["options"]) == ["list", "pause", "preview", "resume", "subscribe", "unsubscribe"]
    # Manage Channels by default, and a real check in the cog (tests/test_discord_recap.py).
    assert int(recap["default_member_permissions"]) == discord.Permissions(manage_channels=True).value
    (quiz,) = [p for p in payloads if p["name"] == "quiz"]
    assert sorted(o["name"] for o in quiz["options"]) == ["leaderboard", "start", "stats", "stop"]


async def test_names_descriptions_and_options_within_limits_in_both_languages(payloads: list[dict]) -> None:
    for payload in payloads:
        _check_name(payload["name"])
        _check_description(payload["description"])
        assert payload["name_localizations"][Locale.french.value]
        for localised in payload["name_localizations"].values():
            _check_name(localised)
        for localised in payload["description_localizations"].values():
            _check_description(localised)
        options = list(payload.get("options", []))
        assert len(options) <= 25
        total = len(payload["name"]) + len(payload["description"])
        for option in options:
            options.extend(option.get("options", []))  # a group's subcommands, then their options
            for choice in option.get("choices", []):
                assert 1 <= len(choice["name"]) <= 100
            _check_name(option["name"])
            _check_description(option["description"])
            assert option["description_localizations"][Locale.french.value]
            for localised in option["name_localizations"].values():
                _check_name(localised)
            for localised in option["description_localizations"].values():
                _check_description(localised)
            total += len(option["name"]) + len(option["description"])
        # Discord caps a command's names, descriptions and values at 4,000 characters together.
        assert total <= 4000


async def test_option_names_are_unique_per_command_in_each_language(payloads: list[dict]) -> None:
    for payload in payloads:
        options = payload.get("options", [])
        for language in ("en", Locale.french.value):
            names = [o["name"] if language == "en" else o["name_localizations"].get(language, o["name"]) for o in options]
            assert len(names) == len(set(names)), payload["name"]
