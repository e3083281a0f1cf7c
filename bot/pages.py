"""A reply document laid out as pages of an embed, within Discord's limits, whatever the data.

Plain Python (no discord import): the cog turns each `Page` into a `discord.Embed`. The
document is the console's too (bot.answering.document), so Discord and the console say the
same thing; here it is only arranged: the headline as title, the reply's lines and notes as
description, one field per item (its date, who, words, verbatim passage and article), and
the items past the first page's on the next pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .answering.document import Item, Reply
from .answering.normalize import Locale
from .messages import say

# Discord's documented embed limits.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
# Fewer fields than Discord allows: a page should read at a glance.
FIELDS_PER_PAGE = 6
QUOTE_LIMIT = 300


@dataclass
class Page:
    title: str
    description: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""

    def size(self) -> int:
        return len(self.title) + len(self.description) + len(self.footer) + sum(len(n) + len(v) for n, v in self.fields)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def build_pages(reply: Reply) -> list[Page]:
    """The pages of `reply`: one for most answers, several for long lists."""
    description = "\n".join([*reply.lead, *reply.notes])
    fields = [_make_field(item, section.title if position == 0 else "")
              for section in reply.sections for position, item in enumerate(section.items)]
    if not fields:
        return _split_text(reply.headline, description)
    return _paginate(shorten(reply.headline, TITLE_LIMIT), description, fields, reply.locale)


def _make_field(item: Item, section_title: str) -> tuple[str, str]:
    """An item as a field: its date (or who) as name; who, words and passages as value."""
    name = item.when or item.who or "•"
    if section_title:
        name = f"{section_title} {name}"
    head = f"**{item.who}** — {item.text}" if item.who and item.when and item.text else item.text
    quotes = [f"> « {shorten(passage.quote, QUOTE_LIMIT)} » — {passage.source}" for passage in item.passages]
    value = "\n".join(part for part in [head, *quotes, item.note] if part) or "—"
    return shorten(name, FIELD_NAME_LIMIT), shorten(value, FIELD_VALUE_LIMIT)


def _paginate(title: str, description: str, fields: list[tuple[str, str]], locale: Locale) -> list[Page]:
    description = shorten(description, DESCRIPTION_LIMIT)
    pages: list[Page] = []
    current = Page(title, description)
    for name, value in fields:
        full = len(current.fields) >= min(FIELDS_PER_PAGE, FIELD_COUNT_LIMIT)
        if full or current.size() + len(name) + len(value) + 40 > EMBED_TOTAL_LIMIT:
            pages.append(current)
            current = Page(title)  # the notes are shown once, on the first page
        current.fields.append((name, value))
    pages.append(current)
    return _number(pages, locale)


def _split_text(headline: str, text: str) -> list[Page]:
    """A reply of lines only (help, an error): the headline as title, the lines in as many pages
    as their length needs."""
    pages: list[Page] = []
    chunk = ""
    for line in text.split("\n"):
        line = shorten(line, DESCRIPTION_LIMIT)
        if len(chunk) + len(line) + 1 > min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - TITLE_LIMIT - FOOTER_LIMIT // 8):
            pages.append(Page(shorten(headline, TITLE_LIMIT), chunk.rstrip()))
            chunk = ""
        chunk += line + "\n"
    pages.append(Page(shorten(headline, TITLE_LIMIT), chunk.rstrip()))
    return pages


def _number(pages: list[Page], locale: Locale) -> list[Page]:
    if len(pages) > 1:
        for number, page in enumerate(pages, start=1):
            page.footer = say("page", locale, number=number, total=len(pages))
    return pages
