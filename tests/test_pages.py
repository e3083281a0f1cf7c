"""Embeds within Discord's limits whatever the data: every entity, role, event, day and quote."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import engine
from bot.answering.answers import Answer
from bot.answering.index import SagaIndex, load_index
from bot.answering.replies import compose_reply
from bot.pages import (DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT, FIELD_COUNT_LIMIT, FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT,
                       FOOTER_LIMIT, TITLE_LIMIT, Page, build_pages, shorten)


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


def assert_within_limits(page: Page) -> None:
    assert 1 <= len(page.title) <= TITLE_LIMIT
    assert len(page.description) <= DESCRIPTION_LIMIT
    assert len(page.fields) <= FIELD_COUNT_LIMIT
    assert len(page.footer) <= FOOTER_LIMIT
    for name, value in page.fields:
        assert 1 <= len(name) <= FIELD_NAME_LIMIT and 1 <= len(value) <= FIELD_VALUE_LIMIT
    assert page.size() <= EMBED_TOTAL_LIMIT


def all_answers(index: SagaIndex) -> Iterator[Answer]:
    for locale in ("fr", "en"):
        yield engine.timeline(index, "", locale)
        yield engine.help_answer(locale)
        for entity in index.entities.values():
            yield engine.what(index, entity.name, locale)
            yield engine.timeline(index, "", locale, entity=entity.name)
            yield engine.quote(index, entity.name, locale)
        for event in index.events:
            yield engine.source(index, event.id, locale)
        for role in ("CEO", "interim CEO", "CTO", "chief scientist", "board member"):
            yield engine.role(index, role, locale)
        for day in ("2023-11-17", "2023-11-19", "2023-11-20"):
            yield engine.timeline(index, "", locale, day=day)
        yield engine.ask(index, "x" * 300, locale)
        yield engine.who(index, "qui " + "Altman " * 40, locale)


def test_every_answer_fits_in_embeds(index: SagaIndex) -> None:
    count = 0
    for answer in all_answers(index):
        pages = build_pages(compose_reply(index, answer))
        assert pages
        for page in pages:
            assert_within_limits(page)
        count += 1
    assert count > 300


def test_a_long_timeline_spreads_over_numbered_pages(index: SagaIndex) -> None:
    answer = engine.timeline(index, "", "en")
    pages = build_pages(compose_reply(index, answer))
    assert len(pages) > 1
    assert sum(len(page.fields) for page in pages) == len(answer.events) + len(answer.possible)
    assert [page.footer for page in pages][-1] == f"Page {len(pages)}/{len(pages)}"


def test_each_event_field_carries_date_summary_quote_and_article(index: SagaIndex) -> None:
    answer = engine.who(index, "who fired Altman", "en")
    (page,) = build_pages(compose_reply(index, answer))
    assert page.title == "OpenAI board — Friday 17 November 2023"
    name, value = page.fields[0]
    assert "17 November 2023" in name
    assert "fires Sam Altman" in value
    assert "« Sam Altman fut débarqué manu militari" in value and "FredZone" in value


@pytest.mark.parametrize(("text", "limit", "expected"), [("abc", 5, "abc"), ("abcdef", 4, "abc…"), ("", 3, "")])
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
