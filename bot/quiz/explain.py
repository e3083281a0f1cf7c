"""The explanation shown at the reveal: the event's summary and date, worded as the answering
engine words them, and the verbatim passage with its article."""
from __future__ import annotations

import random
from collections.abc import Callable

from ..answering.index import Event, SagaIndex, Source
from ..answering.normalize import LOCALES, Locale
from ..answering.phrasing import describe_article, phrase_date
from ..messages import say
from .questions import Passage


def explain_event(index: SagaIndex, event: Event, locale: Locale, passage: Source | Passage | None = None) -> list[str]:
    """'OpenAI's board fires Sam Altman… — Friday 17 November 2023' and « the passage » — its article."""
    lines = [say("quiz.explain.event", locale, summary=event.summary[locale], date=phrase_date(event.date, locale, event.approximate))]
    chosen = passage or (event.sources[0] if event.sources else None)
    if chosen is not None:
        lines.append(phrase_passage(index, chosen.article, chosen.quote, locale))
    return lines


def phrase_passage(index: SagaIndex, article: str, quote: str, locale: Locale) -> str:
    """« the verbatim words » — article 002 (Business Insider) "label"."""
    return say("quiz.explain.source", locale, quote=quote, article=describe_article(index.articles.get(article), article, locale))


# How many wordings each kind's stem has in the catalogue (quiz.ask.<kind>.1 …): a quiz whose
# every stem reads alike reads like a form.
STEM_WORDINGS = 3


def word_stem(rng: random.Random, key: str, values: Callable[[Locale], dict[str, str]]) -> dict[str, str]:
    """A question's stem in both languages, in one of its wordings, the same one in each."""
    wording = rng.randrange(STEM_WORDINGS) + 1
    return word_both(lambda locale: say(f"{key}.{wording}", locale, **values(locale)))


def word_both(make: Callable[[Locale], str]) -> dict[str, str]:
    """The same wording in every locale: {'fr': make('fr'), 'en': make('en')}."""
    return {locale: make(locale) for locale in LOCALES}
