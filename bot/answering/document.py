"""The reply document: what a reply says, before any medium lays it out.

`bot.answering.replies` words an `Answer` into a `Reply`; the console renders it as text
(`render_text`), Discord as embeds and pages (`bot.pages`). Both read the same document, so
they say the same thing and nothing is rendered and parsed back.

A reply leads with a headline that *is* the answer ("Mira Murati — Friday 17 November 2023"),
then a few lines of context (posts held, a role's holders), then sections of items (events,
quotes, figures), each item with its date, its words, its sources named by outlet or title and,
where it helps, the verbatim passage; then notes (the articles' disagreements). A section
shows its first `shown` items at a glance; the rest are "more".
"""
from __future__ import annotations

from dataclasses import dataclass

from ..messages import say
from .normalize import Locale
from .phrasing import phrase_source_list


@dataclass(frozen=True)
class Passage:
    """Verbatim words and the article they come from, named for members ("Business Insider")."""

    quote: str
    source: str


@dataclass(frozen=True)
class Item:
    """One event, quote, figure or post of a reply."""

    text: str
    when: str = ""
    who: str = ""
    sources: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    # a line under the item: a quote's translation
    note: str = ""


@dataclass(frozen=True)
class Section:
    items: tuple[Item, ...]
    title: str = ""
    # how many items read at a glance; the others are behind "more" (or on later pages)
    shown: int = 0

    @property
    def visible(self) -> tuple[Item, ...]:
        return self.items[: self.shown] if self.shown else self.items

    @property
    def hidden(self) -> int:
        return len(self.items) - len(self.visible)


@dataclass(frozen=True)
class Reply:
    locale: Locale
    headline: str
    lead: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = ()


def render_text(reply: Reply) -> str:
    """The reply as console text: the headline, then its lines, items as bullets, notes last."""
    lines = [reply.headline, *reply.lead]
    for section in reply.sections:
        if section.title:
            lines.append(section.title)
        lines += [line for item in section.visible for line in _render_item(item, reply.locale)]
        if section.hidden:
            lines.append(say("more", reply.locale, count=section.hidden))
    lines += reply.notes
    return "\n".join(line for line in lines if line).strip()


def _render_item(item: Item, locale: Locale) -> list[str]:
    head = " — ".join(part for part in (item.when, item.who, item.text) if part)
    if item.sources:
        head += f" [{phrase_source_list(item.sources, locale)}]"
    passages = [f"« {passage.quote} » — {passage.source}" for passage in item.passages]
    if not head and passages:
        # a passage alone (/source): it is the item
        head = passages.pop(0)
    lines = [f"• {head}"]
    lines += [f"  {passage}" for passage in passages]
    if item.note:
        lines.append(f"  {item.note}")
    return lines

