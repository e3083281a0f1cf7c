"""Replies a member takes in at a glance, over every question of the blind bank, in both locales:
the headline states the answer, articles are named by outlet or title (never "002"), French
replies name entities in French, plain answers stay short, and lists lead with what matters."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import engine
from bot.answering.answers import Answer
from bot.answering.document import Reply, render_text
from bot.answering.index import SagaIndex, load_index
from bot.answering.phrasing import phrase_date, phrase_figure
from bot.answering.replies import compose_reply
from bot.messages import say

QUESTIONS = Path(__file__).resolve().parent.parent / "benchmarks" / "questions"
FILE_NUMBER = re.compile(r"\b00[0-4]\b|\(00")
PLAIN_LIMIT = 1500


@pytest.fixture(scope="module")
def index(saga_db_path: Path) -> SagaIndex:
    return load_index(saga_db_path)


@pytest.fixture(scope="module")
def replies(index: SagaIndex) -> list[tuple[str, Answer, Reply, str]]:
    """(question, answer, reply, text) for every bank question asked in French and in English."""
    found = []
    for question in _read_bank():
        for locale in ("fr", "en"):
            answer = engine.ask(index, question, locale)
            reply = compose_reply(index, answer)
            found.append((question, answer, reply, render_text(reply)))
    return found


def _read_bank() -> Iterator[str]:
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line)["question"]


def test_the_bank_is_there(replies: list[tuple[str, Answer, Reply, str]]) -> None:
    assert len(replies) >= 800


def test_no_reply_shows_an_articles_file_number(replies: list[tuple[str, Answer, Reply, str]]) -> None:
    shown = [(question, FILE_NUMBER.search(text)) for question, _, _, text in replies if FILE_NUMBER.search(text)]
    assert shown == []


def test_french_replies_name_entities_in_french(index: SagaIndex, replies: list[tuple[str, Answer, Reply, str]]) -> None:
    english = [entity.name for entity in index.entities.values() if entity.names["fr"] != entity.name]
    assert "OpenAI board" in english
    leaks = [(question, name) for question, answer, _, text in replies if answer.locale == "fr"
             for name in english if name in text]
    assert leaks == []


def test_plain_answers_stay_short(replies: list[tuple[str, Answer, Reply, str]]) -> None:
    long = [(question, len(text)) for question, _, _, text in replies if len(text) >= PLAIN_LIMIT]
    assert long == []


def test_the_headline_states_the_answer(index: SagaIndex, replies: list[tuple[str, Answer, Reply, str]]) -> None:
    checked = 0
    for question, answer, reply, _ in replies:
        headline, locale = reply.headline.casefold(), answer.locale
        if answer.kind == "who" and answer.people:
            assert index.name(answer.people[0], locale).casefold() in headline, question
        elif answer.kind == "when" and answer.date is not None:
            assert phrase_date(answer.date, locale, answer.events[0].approximate).casefold() in headline, question
        elif answer.kind == "figure" and answer.figures:
            assert phrase_figure(answer.figures[0], locale).casefold() in headline, question
        elif answer.kind == "what" and answer.entity is None:
            assert headline.startswith(answer.events[0].summary[locale].casefold()), question
        elif answer.kind == "quote" and answer.quotes:
            assert index.name(answer.quotes[0].speakers[0], locale).casefold() in headline, question
        elif answer.kind == "unknown":
            assert headline in {say("unknown.no_match", locale).casefold(), say("unknown.no_quote", locale).casefold()} \
                or reply.headline == compose_reply(index, answer).headline, question
        else:
            continue
        checked += 1
    assert checked > len(replies) // 2


@pytest.mark.parametrize(("day", "locale"), [("vendredi", "fr"), ("Friday", "en")])
def test_fridays_timeline_leads_with_the_firing_murati_and_brockman(index: SagaIndex, day: str, locale: str) -> None:
    answer = engine.timeline(index, day, locale)  # type: ignore[arg-type]  # a Locale literal, given as a parameter
    first = [item.text for item in compose_reply(index, answer).sections[0].visible[:5]]
    wanted = {"board-fires-altman", "murati-named-interim-ceo", "brockman-resigns"}
    summaries = {index.events_by_id[event_id].summary[locale] for event_id in wanted}
    assert summaries <= set(first)


def test_a_plain_timeline_starts_in_the_saga_not_in_1985(index: SagaIndex) -> None:
    answer = engine.timeline(index, "", "en")
    visible = compose_reply(index, answer).sections[0].visible
    keys = [event for event in answer.events if event.key]
    assert len(visible) < len(answer.events)
    # the turning points come first; nothing from 1985
    assert {item.text for item in visible} <= {event.summary["en"] for event in keys}
    assert not any("1985" in item.when for item in visible)


def test_quotes_said_once_and_carried_twice_appear_once(index: SagaIndex) -> None:
    answer = engine.quote(index, "Sutskever", "en")
    texts = [item.text for item in compose_reply(index, answer).sections[0].items]
    assert len(texts) == len(set(texts))
    regret = next(item for item in compose_reply(index, answer).sections[0].items if "regrette" in item.text)
    assert len(regret.sources) == 2
    # his regret, at a turning point of the saga, before his July posts
    assert "regrette" in texts[0]


@pytest.mark.parametrize(("locale", "post"), [("fr", "directrice technique d'OpenAI"), ("en", "CTO of OpenAI")])
def test_a_womans_post_is_named_in_the_feminine_in_french(index: SagaIndex, locale: str, post: str) -> None:
    reply = compose_reply(index, engine.what(index, "Mira Murati", locale))  # type: ignore[arg-type]  # a Locale literal
    assert post in reply.lead[0]
    assert "directeur technique" not in render_text(reply)
