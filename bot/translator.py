"""Command and option names and descriptions in French, from the message catalogue.

discord.py asks this translator for every `locale_str` of the command tree when it syncs;
each carries its catalogue key in `extras`, and French locales get the catalogue's French.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import Locale, app_commands

from .commands import Option
from .messages import say

if TYPE_CHECKING:  # the answering package is heavy to import; only its type is needed here
    from .answering.normalize import Locale as ReplyLocale

FRENCH = frozenset({Locale.french})


def text(key: str) -> app_commands.locale_str:
    """The English text of `key`, carrying the key so the translator can find its French."""
    return app_commands.locale_str(say(key, "en"), key=key)


def pick_locale(locale: Locale | str | None) -> ReplyLocale:
    """'fr' for any French locale, 'en' otherwise: the language of replies."""
    return "fr" if str(locale or "").lower().startswith("fr") else "en"


class CatalogueTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        key = string.extras.get("key")
        if key is None or locale not in FRENCH:
            return None
        return say(key, "fr")


def make_choices(option: Option) -> list[app_commands.Choice[str]]:
    """A declared option's choices as Discord shows them."""
    return [app_commands.Choice(name=choice, value=choice) for choice in option.choices]


def escape_user_text(text: str) -> str:
    """A member's own words shown back on Discord (a day typed wrong, a display name): no markdown,
    no masked link, no mention of any kind; mentions are off anyway, this keeps the text inert."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    # A zero-width space after "<" and in "://" keeps raw mentions and bare links from rendering.
    return escaped.replace("<", "<\u200b").replace("://", ":\u200b//")
