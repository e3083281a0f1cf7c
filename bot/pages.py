"""An answer laid out as pages of an embed, within Discord's limits, whatever the data.

Plain Python (no discord import): the cog turns each `Page` into a `discord.Embed`. The
words come from `bot.answering.replies`, the same as the console's, so Discord and the
console say the same thing; here they are only arranged: a headline, the non-event lines,
and one field per event with its date, actors, summary, verbatim quote and article.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .answering.answers import Answer
from .answering.index import Event, SagaIndex
from .answering.normalize import Locale
from .answering.phrasing import join_names, phrase_date, tag_article
from .answering.replies import render
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
EVENT_KINDS = frozenset({"who", "when", "what", "profile", "timeline", "source"})


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


def build_pages(index: SagaIndex, answer: Answer) -> list[Page]:
    """The pages of `answer`: one for most answers, several for long event lists."""
    lines = render(index, answer).split("\n")
    if answer.kind not in EVENT_KINDS or not answer.events:
        return _split_text(lines)
    events = answer.events + answer.possible
    headline, *rest = lines
    # The event bullets become fields; the other lines (posts held, disagreements) stay as text.
    notes = [line for line in rest if line.strip() and not line.startswith("• ") and not _is_more_line(line, answer)]
    fields = [_event_field(index, event, answer.locale) for event in events]
    return _paginate(shorten(headline.replace("**", ""), TITLE_LIMIT), "\n".join(notes), fields, answer.locale)


def _is_more_line(line: str, answer: Answer) -> bool:
    # The console's "… and 12 more" is replaced here by the pages themselves.
    return line.startswith("…") or line.startswith(say("more", answer.locale, count=0)[:6])


def _event_field(index: SagaIndex, event: Event, locale: Locale) -> tuple[str, str]:
    date = phrase_date(event.date, locale, event.approximate)
    hedge = f" {say('hedged', locale)}" if event.hedged else ""
    actors = join_names([index.name(actor) for actor in event.actors], locale)
    name = shorten(f"{date}{hedge}", FIELD_NAME_LIMIT)
    quotes = [f"> « {shorten(source.quote, QUOTE_LIMIT)} » — {tag_article(index, source.article)}" for source in event.sources[:2]]
    value = "\n".join([f"**{actors}** — {event.summary[locale]}", *quotes])
    return name, shorten(value, FIELD_VALUE_LIMIT)


def _paginate(title: str, description: str, fields: list[tuple[str, str]], locale: str) -> list[Page]:
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


def _split_text(lines: list[str]) -> list[Page]:
    """A text answer: a title, then the rest in as many pages as its length needs."""
    headline, *rest = lines
    pages: list[Page] = []
    chunk = ""
    for line in rest:
        line = shorten(line, DESCRIPTION_LIMIT)
        if len(chunk) + len(line) + 1 > min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - TITLE_LIMIT - FOOTER_LIMIT // 8):
            pages.append(Page(shorten(headline, TITLE_LIMIT), chunk.rstrip()))
            chunk = ""
        chunk += line + "\n"
    pages.append(Page(shorten(headline, TITLE_LIMIT), chunk.rstrip()))
    return pages


def _number(pages: list[Page], locale: str) -> list[Page]:
    if len(pages) > 1:
        for number, page in enumerate(pages, start=1):
            page.footer = say("page", locale, number=number, total=len(pages))
    return pages
