"""One reply document, two renderings: the console's text and Discord's pages say the same thing."""
from __future__ import annotations

from bot.answering.document import Item, Passage, Reply, Section, render_text
from bot.pages import FIELDS_PER_PAGE, build_pages


def make_reply(items: int = 2, shown: int = 0) -> Reply:
    events = tuple(Item(f"Event {n}.", when=f"Day {n}", sources=("FredZone",), passages=(Passage(f"mot {n}", "FredZone"),))
                   for n in range(items))
    return Reply("en", "Mira Murati — Friday 17 November 2023", ("Posts: CTO of OpenAI.",),
                 (Section(events, shown=shown),), ("⚖ The articles disagree — a topic: one; two.",))


def test_console_text_and_pages_come_from_one_document() -> None:
    reply = make_reply()
    text = render_text(reply)
    (page,) = build_pages(reply)
    assert text.splitlines()[0] == page.title == reply.headline
    assert "Posts: CTO of OpenAI." in text and "Posts: CTO of OpenAI." in page.description
    assert "⚖ The articles disagree" in text and "⚖ The articles disagree" in page.description
    for item, (name, value) in zip(reply.sections[0].items, page.fields, strict=True):
        assert f"{item.when} — {item.text} [source: FredZone]" in text
        assert name == item.when and item.text in value
        assert f"« {item.passages[0].quote} » — FredZone" in text and f"« {item.passages[0].quote} » — FredZone" in value


def test_the_console_shows_a_glance_and_counts_the_rest_while_pages_hold_them_all() -> None:
    reply = make_reply(items=FIELDS_PER_PAGE + 3, shown=4)
    text = render_text(reply)
    assert "Event 3." in text and "Event 4." not in text
    assert "… and 5 more" in text
    pages = build_pages(reply)
    assert sum(len(page.fields) for page in pages) == FIELDS_PER_PAGE + 3
    assert [page.footer for page in pages] == ["Page 1/2", "Page 2/2"]


def test_a_reply_without_items_is_one_text_page() -> None:
    reply = Reply("fr", "Les articles ne le disent pas.", ("Ils ne parlent jamais de : licorne.",))
    (page,) = build_pages(reply)
    assert page.title == render_text(reply).splitlines()[0]
    assert page.description == "Ils ne parlent jamais de : licorne."
    assert page.fields == []
