"""Answers in words: a reply document (bot.answering.document) in the asker's language.

The headline is the answer; each fact keeps its date and its article, named by outlet or
title. Hedged events are marked as reported, quotes stay verbatim in French (English readers
also get the translation, marked as such), disagreements between articles are shown. Lists
lead with the saga's turning points and its own days, and show a few items at a glance.
"""
from __future__ import annotations

from rapidfuzz import fuzz

from ..messages import say
from ..saga.roles import Tenure
from .answers import Answer
from .document import Item, Passage, Reply, Section, render_text
from .index import Dispute, Event, Quote, SagaIndex
from .normalize import Locale
from .phrasing import (describe_article, join_names, name_articles, phrase_date, phrase_figure,
                       phrase_moment, phrase_role, phrase_source_list, pick_separator, shorten_echo, tag_article)

# How many items a reply shows at a glance (a plain answer stays well under 1,500 characters);
# the rest are "more": listed by --json, and on the next pages on Discord.
SHOWN = {"who": 3, "when": 3, "what": 3, "profile": 4, "timeline": 8, "quote": 4, "role": 8, "figure": 4, "source": 5,
         "closest": 3}
# The verbatim passages shown under an event: enough to check it, not the whole dossier.
PASSAGES = 1
# Two quotes of one speaker this alike (rapidfuzz ratio of their folded words) are one sentence
# carried by two articles.
SAME_QUOTE = 90
HELP_COMMANDS = ("who", "when", "what", "timeline", "role", "quote", "source", "ask", "quiz", "recap", "help")


def render(index: SagaIndex, answer: Answer) -> str:
    """The reply to `answer` as console text."""
    return render_text(compose_reply(index, answer))


def compose_reply(index: SagaIndex, answer: Answer) -> Reply:
    """The reply document of `answer`."""
    return _COMPOSERS.get(answer.kind, _compose_unknown)(index, answer)


def make_event_item(index: SagaIndex, event: Event, locale: Locale, passages: int = PASSAGES, with_text: bool = True) -> Item:
    """'vendredi 17 novembre 2023 — Le conseil d'administration d'OpenAI renvoie Sam Altman. [sources : …]'."""
    hedge = f" {say('hedged', locale)}" if event.hedged else ""
    return Item(
        text=event.summary[locale] + hedge if with_text else "",
        # "between Sunday 19 and Monday 20" says it is vague; the headline or the list's title warns once
        when=phrase_date(event.date, locale, event.approximate, compact=True),
        sources=name_articles(index, event.sources, locale),
        passages=tuple(Passage(source.quote, tag_article(index, source.article, locale)) for source in event.sources[:passages]),
    )


def _compose_who(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    names = _capitalise(join_names([index.name(person, locale) for person in answer.people], locale))
    main = answer.events[0] if answer.events else None
    if answer.tenures:
        headline = say("who.replaced", locale, people=names)
    elif answer.events and all(event.hedged for event in answer.events):
        headline = say("who.reported", locale, people=names)
    else:
        headline = say("who.people", locale, people=names)
    if main is not None:
        headline = f"{headline} — {phrase_date(main.date, locale, main.approximate)}"
    return _compose_events_reply(index, answer, headline)


def _compose_when(index: SagaIndex, answer: Answer) -> Reply:
    main = answer.events[0]
    date = _capitalise(phrase_date(main.date, answer.locale, main.approximate))
    headline = f"{date} {say('hedged', answer.locale)}" if main.hedged else date
    return _compose_events_reply(index, answer, headline)


def _compose_events_reply(index: SagaIndex, answer: Answer, headline: str) -> Reply:
    items = [make_event_item(index, event, answer.locale, passages=PASSAGES if position == 0 else 0)
             for position, event in enumerate(answer.events)]
    return Reply(answer.locale, headline, sections=(Section(tuple(items), shown=SHOWN[answer.kind]),),
                 notes=_phrase_disputes(index, answer.disputes, answer.locale))


def _compose_what(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    if answer.entity is None:
        # What, why, where: the best event's summary is the answer; its date and passage follow.
        main, *others = answer.events
        hedge = f" {say('hedged', locale)}" if main.hedged else ""
        found = (make_event_item(index, main, locale, with_text=False),
                 *(make_event_item(index, event, locale, passages=0) for event in others))
        return Reply(locale, main.summary[locale] + hedge, sections=(Section(found, shown=SHOWN["what"]),),
                     notes=_phrase_disputes(index, answer.disputes, locale))
    entity = answer.entity
    headline = say("what.heading", locale, name=_capitalise(index.name(entity.id, locale)), description=entity.description[locale])
    lead: tuple[str, ...] = ()
    if answer.tenures:
        posts = [_phrase_spell(index, tenure, locale, with_name=False) for tenure in answer.tenures]
        lead = (say("what.roles", locale, roles=pick_separator(locale).join(posts)),)
    items = _list_glance_first(index, answer.events, locale, SHOWN["profile"])
    sections = (Section(items, say("what.events", locale), shown=SHOWN["profile"]),) if items else ()
    return Reply(locale, headline, lead, sections)


def _compose_timeline(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    day = phrase_date(answer.moment, locale) if answer.moment else None
    name = index.name(answer.entity.id, locale) if answer.entity else None
    if day and name:
        headline = say("timeline.day_entity", locale, day=day, name=name)
    elif day or name:
        headline = say("timeline.day", locale, day=day) if day else say("timeline.entity", locale, name=name)
    else:
        headline = say("timeline.all", locale)
    sections = [Section(_list_glance_first(index, answer.events, locale, SHOWN["timeline"]), shown=SHOWN["timeline"])]
    if answer.possible:
        sections.append(Section(_list_glance_first(index, answer.possible, locale, SHOWN["closest"]),
                                say("timeline.possible", locale), shown=SHOWN["closest"]))
    return Reply(locale, headline, sections=tuple(sections))


def _list_glance_first(index: SagaIndex, events: list[Event], locale: Locale, shown: int) -> tuple[Item, ...]:
    """The events a member should see first (turning points, then the saga's days), then the
    others in the order they happened."""
    first = sorted(events, key=index.glance_order)[:shown]
    rest = [event for event in events if event not in first]
    return tuple(make_event_item(index, event, locale, passages=0) for event in first + rest)


def _compose_role(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    role_text = _capitalise(phrase_role(index, answer.role or "", answer.of_entity, locale)) if answer.role else ""
    items = tuple(Item(_phrase_spell(index, tenure, locale)) for tenure in answer.tenures)
    if answer.moment is not None and answer.role:
        certain = [_name_holder(index, t, answer.role, locale) for t in answer.tenures if t.certain]
        possible = [_name_holder(index, t, answer.role, locale) for t in answer.tenures if not t.certain]
        said = join_names(certain, locale)
        if possible:
            maybe = say("role.possibly_also" if certain else "role.possibly", locale, people=join_names(possible, locale))
            said = f"{said}{pick_separator(locale)}{maybe}" if certain else maybe
        headline = say("role.at", locale, role=role_text, moment=phrase_moment(answer.moment, locale), holders=said)
    elif answer.role:
        headline = say("role.history", locale, role=role_text)
    else:
        headline = say("role.of_entity", locale, name=_capitalise(index.name(answer.people[0], locale))) if answer.people else ""
    return Reply(locale, headline, sections=(Section(items, shown=SHOWN["role"]),),
                 notes=_phrase_disputes(index, answer.disputes, locale))


def _compose_quote(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    quotes = _merge_repeated(answer.quotes)
    first = quotes[0][0]
    speakers = _capitalise(join_names([index.name(speaker, locale) for speaker in first.speakers], locale))
    headline = f"{speakers} — {phrase_date(first.date, locale)}"
    items = tuple(_make_quote_item(index, quote, articles, locale) for quote, articles in quotes)
    return Reply(locale, headline, sections=(Section(items, shown=SHOWN["quote"]),))


def _merge_repeated(quotes: list[Quote]) -> list[tuple[Quote, tuple[str, ...]]]:
    """A quote said once and carried by two articles is shown once, with both articles."""
    merged: list[tuple[Quote, list[str]]] = []
    for quote in quotes:
        # Two articles rarely copy a sentence alike (« feuille de route produits » / « de produits »).
        same = next((articles for first, articles in merged if first.speakers == quote.speakers
                     and fuzz.ratio(first.words_fr, quote.words_fr) >= SAME_QUOTE), None)
        if same is None:
            merged.append((quote, [quote.article]))
        elif quote.article not in same:
            same.append(quote.article)
    return [(quote, tuple(articles)) for quote, articles in merged]


def _make_quote_item(index: SagaIndex, quote: Quote, articles: tuple[str, ...], locale: Locale) -> Item:
    speakers = join_names([index.name(speaker, locale) for speaker in quote.speakers], locale)
    note = say("translation", locale, text=f"“{quote.en}”") if locale == "en" and quote.en else ""
    event = index.events_by_id.get(quote.event_id or "")
    if quote.fragment and event is not None:
        # A few words quoted inside the article's sentence read only with what was said around them.
        note = " ".join(part for part in (note, say("quote.context", locale, summary=event.summary[locale])) if part)
    return Item(f"« {quote.text} »", when=phrase_date(quote.date, locale, compact=True), who=speakers,
                sources=tuple(tag_article(index, article, locale) for article in sorted(set(articles))), note=note)


def _compose_source(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    event = answer.events[0]
    hedge = f" {say('hedged', locale)}" if event.hedged else ""
    headline = event.summary[locale] + hedge
    lead = (say("source.heading", locale, id=event.id, date=phrase_date(event.date, locale, event.approximate)),)
    items = tuple(Item("", passages=(Passage(source.quote, describe_article(index.articles.get(source.article), source.article, locale)),))
                  for source in event.sources)
    return Reply(locale, headline, lead, (Section(items, shown=SHOWN["source"]),), _phrase_disputes(index, answer.disputes, locale))


def _compose_figure(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    items = []
    for figure in answer.figures:
        event = index.events_by_id.get(figure.event_id)
        hedged = figure.hedged or bool(event and event.hedged)
        hedge = f" {say('hedged', locale)}" if hedged else ""
        date = phrase_date(event.date, locale, event.approximate, compact=True) if event else ""
        items.append(Item(phrase_figure(figure, locale) + hedge, when=date,
                          passages=(Passage(figure.quote, tag_article(index, figure.article, locale)),)))
    if not answer.figures and answer.disputes:
        dispute = answer.disputes[0]
        claims = tuple(Item(claim.claim[locale], passages=(Passage(claim.quote, tag_article(index, claim.article, locale)),))
                       for claim in dispute.claims)
        return Reply(locale, say("figure.about", locale, topic=dispute.topic[locale]), sections=(Section(claims),))
    headline = _capitalise(items[0].text) if items else say("unknown.no_match", locale)
    return Reply(locale, headline, sections=(Section(tuple(items), shown=SHOWN["figure"]),),
                 notes=_phrase_disputes(index, answer.disputes, locale))


def _compose_help(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    return Reply(locale, say("help.title", locale), tuple(say(f"help.{name}", locale) for name in HELP_COMMANDS),
                 notes=(say("help.footer", locale),))


def _compose_unknown(index: SagaIndex, answer: Answer) -> Reply:
    locale = answer.locale
    headline = say("unknown.no_match", locale)
    lead: list[str] = []
    reason = answer.reason or "unknown.no_match"
    if reason == "unknown.no_holder":
        role = phrase_role(index, answer.role or "", answer.of_entity, locale)
        headline = (say("unknown.no_holder_at", locale, role=role, moment=phrase_moment(answer.moment, locale))
                    if answer.moment is not None else say("unknown.no_holder", locale, role=role))
    elif reason == "unknown.empty_timeline":
        scope = say("scope.day", locale, day=phrase_date(answer.moment, locale)) if answer.moment else \
            say("scope.entity", locale, name=index.name(answer.entity.id, locale) if answer.entity else "")
        headline = say("unknown.empty_timeline", locale, scope=scope)
    elif reason != "unknown.no_match":
        lead.append(say(reason, locale, **answer.detail))
    if answer.detail.get("foreign"):
        lead.append(say("unknown.foreign", locale, words=answer.detail["foreign"]))
    sections: tuple[Section, ...] = ()
    if answer.closest:
        closest = tuple(make_event_item(index, event, locale, passages=0) for event in answer.closest)
        sections = (Section(closest, say("closest", locale), shown=SHOWN["closest"]),)
    return Reply(locale, headline, tuple(lead), sections)


def _compose_error(index: SagaIndex, answer: Answer) -> Reply:
    return Reply(answer.locale, say(answer.reason or "error.empty", answer.locale, asked=shorten_echo(answer.asked), **answer.detail))


def _phrase_spell(index: SagaIndex, tenure: Tenure, locale: Locale, with_name: bool = True) -> str:
    role = phrase_role(index, tenure.role, tenure.of_entity, locale, tenure.entity_id)
    start = index.events_by_id.get(tenure.from_event or "")
    end = index.events_by_id.get(tenure.until_event or "")
    vague = any(event and event.date.precision == "range" for event in (start, end))
    if vague:
        first = phrase_date(start.date, locale, compact=True) if start else ""
        last = phrase_date(end.date, locale, compact=True) if end else ""
        key = "period.start_end" if start and end else "period.start" if start else "period.end"
        period = say(key, locale, start=first, end=last)
    elif start and end:
        period = say("period.from_until", locale, start=phrase_date(start.date, locale), end=phrase_date(end.date, locale))
    elif start:
        period = say("period.from", locale, start=phrase_date(start.date, locale))
    elif end:
        period = say("period.until", locale, end=phrase_date(end.date, locale))
    else:
        period = say("period.always", locale)
    source = phrase_source_list((tag_article(index, tenure.source_article, locale),), locale)
    name = _capitalise(index.name(tenure.entity_id, locale))
    text = say("role.spell", locale, name=name, role=role, period=period) if with_name else f"{role}, {period}"
    return f"{text} [{source}]"


def _name_holder(index: SagaIndex, tenure: Tenure, asked_role: str | None, locale: Locale) -> str:
    """'Mira Murati', or 'Mira Murati (interim CEO of OpenAI)' when asked about the CEO."""
    name = index.name(tenure.entity_id, locale)
    if tenure.role == asked_role:
        return name
    return f"{name} ({phrase_role(index, tenure.role, tenure.of_entity, locale, tenure.entity_id)})"


def _phrase_disputes(index: SagaIndex, disputes: list[Dispute], locale: Locale) -> tuple[str, ...]:
    lines = []
    for dispute in disputes:
        claims = pick_separator(locale).join(f"{claim.claim[locale]} ({tag_article(index, claim.article, locale)})"
                                             for claim in dispute.claims)
        lines.append(say("dispute", locale, topic=dispute.topic[locale], claims=claims))
    return tuple(lines)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_COMPOSERS = {
    "who": _compose_who, "when": _compose_when, "what": _compose_what, "profile": _compose_what, "timeline": _compose_timeline,
    "role": _compose_role, "quote": _compose_quote, "source": _compose_source, "figure": _compose_figure,
    "help": _compose_help, "unknown": _compose_unknown, "error": _compose_error,
}
