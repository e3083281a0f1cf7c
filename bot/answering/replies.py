"""Answers in words: short, in the asker's language, each fact with its date and its source
article. Hedged events are marked as reported, quotes stay verbatim in French (English
readers also get the translation, marked as such), disagreements between articles are shown.
"""
from __future__ import annotations

from ..messages import say
from ..saga.roles import Tenure
from .answers import Answer
from .index import Dispute, Event, Quote, SagaIndex, Source
from .normalize import Locale
from .phrasing import (describe_article, tag_article, join_names, phrase_date, phrase_figure, phrase_moment, phrase_role,
                       phrase_sources, pick_separator)

# Discord messages hold 2,000 characters: longer lists are cut, and say how many are left.
MAX_LINES = {"what": 12, "profile": 6, "timeline": 15, "quote": 8, "role": 12}
HELP_COMMANDS = ("who", "when", "what", "timeline", "role", "quote", "source", "ask", "help")


def render(index: SagaIndex, answer: Answer) -> str:
    """The reply to show for `answer`."""
    render_kind = _RENDERERS.get(answer.kind, _render_unknown)
    return "\n".join(line for line in render_kind(index, answer) if line is not None).strip()


def render_event(index: SagaIndex, event: Event, locale: Locale) -> str:
    """'• Friday 17 November 2023 — OpenAI's board fires Sam Altman. [source: 001 FredZone]'."""
    hedge = f" {say('hedged', locale)}" if event.hedged else ""
    date = phrase_date(event.date, locale, event.approximate)
    return f"• {date} — {event.summary[locale]}{hedge} [{phrase_sources(index, event.sources, locale)}]"


def _render_who(index: SagaIndex, answer: Answer) -> list[str]:
    names = join_names([index.name(person) for person in answer.people], answer.locale)
    if answer.tenures:
        heading = say("who.replaced", answer.locale, people=names)
    elif answer.events and all(event.hedged for event in answer.events):
        heading = say("who.reported", answer.locale, people=names)
    else:
        heading = say("who.people", answer.locale, people=names)
    return [heading, *_render_events(index, answer.events, answer.locale), *_render_disputes(index, answer.disputes, answer.locale)]


def _render_when(index: SagaIndex, answer: Answer) -> list[str]:
    main = answer.events[0]
    date = _capitalise(phrase_date(main.date, answer.locale, main.approximate))
    heading = say("when.date", answer.locale, date=f"{date} {say('hedged', answer.locale)}" if main.hedged else date)
    return [heading, *_render_events(index, answer.events, answer.locale), *_render_disputes(index, answer.disputes, answer.locale)]


def _render_what(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    if answer.entity is None:
        return [say("what.found", locale), *_render_events(index, answer.events, locale), *_render_disputes(index, answer.disputes, locale)]
    lines = [say("what.heading", locale, name=answer.entity.name, description=answer.entity.description[locale])]
    if answer.tenures:
        posts = [_render_spell(index, tenure, locale, with_name=False) for tenure in answer.tenures]
        lines.append(say("what.roles", locale, roles=pick_separator(locale).join(posts)))
    if answer.events:
        lines.append(say("what.events", locale))
        lines += _render_capped(index, answer.events, locale, MAX_LINES[answer.kind])
    return lines


def _render_timeline(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    day = phrase_date(answer.moment, locale) if answer.moment else None
    name = answer.entity.name if answer.entity else None
    if day and name:
        heading = say("timeline.day_entity", locale, day=day, name=name)
    elif day or name:
        heading = say("timeline.day", locale, day=day) if day else say("timeline.entity", locale, name=name)
    else:
        heading = say("timeline.all", locale)
    lines = [heading, *_render_capped(index, answer.events, locale, MAX_LINES["timeline"])]
    if answer.possible:
        lines += [say("timeline.possible", locale), *_render_capped(index, answer.possible, locale, MAX_LINES["timeline"])]
    return lines


def _render_role(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    lines: list[str] = []
    if answer.moment is not None and answer.role:
        certain = [_name_holder(index, t, answer.role, locale) for t in answer.tenures if t.certain]
        possible = [_name_holder(index, t, answer.role, locale) for t in answer.tenures if not t.certain]
        said = join_names(certain, locale)
        if possible:
            maybe = say("role.possibly_also" if certain else "role.possibly", locale, people=join_names(possible, locale))
            said = f"{said}{pick_separator(locale)}{maybe}" if certain else maybe
        role_text = _capitalise(phrase_role(index, answer.role, answer.of_entity, locale))
        lines.append(say("role.at", locale, role=role_text, moment=phrase_moment(answer.moment, locale), holders=said))
        lines += [f"• {_render_spell(index, tenure, locale)}" for tenure in answer.tenures]
    else:
        if answer.role:
            lines.append(say("role.history", locale, role=_capitalise(phrase_role(index, answer.role, answer.of_entity, locale))))
        shown = answer.tenures[: MAX_LINES["role"]]
        lines += [f"• {_render_spell(index, tenure, locale)}" for tenure in shown]
        if len(answer.tenures) > len(shown):
            lines.append(say("more", locale, count=len(answer.tenures) - len(shown)))
    return lines + _render_disputes(index, answer.disputes, locale)


def _render_quote(index: SagaIndex, answer: Answer) -> list[str]:
    lines = []
    for quote in answer.quotes[: MAX_LINES["quote"]]:
        lines += _render_quote_lines(index, quote, answer.locale)
    if len(answer.quotes) > MAX_LINES["quote"]:
        lines.append(say("more", answer.locale, count=len(answer.quotes) - MAX_LINES["quote"]))
    return lines


def _render_source(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    event = answer.events[0]
    hedge = f" {say('hedged', locale)}" if event.hedged else ""
    lines = [say("source.heading", locale, id=event.id, summary=event.summary[locale] + hedge,
                 date=phrase_date(event.date, locale, event.approximate))]
    for source in event.sources:
        lines.append(say("source.passage", locale, article=describe_article(index.articles.get(source.article), source.article, locale),
                         quote=source.quote))
    return lines + _render_disputes(index, answer.disputes, locale)


def _render_figure(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    lines = []
    for figure in answer.figures:
        event = index.events_by_id.get(figure.event_id)
        hedged = figure.hedged or bool(event and event.hedged)
        hedge = f" {say('hedged', locale)}" if hedged else ""
        date = phrase_date(event.date, locale, event.approximate, compact=True) if event else "?"
        lines.append("• " + say("figure.line", locale, value=phrase_figure(figure, locale), hedge=hedge, quote=figure.quote,
                                source=tag_article(index, figure.article), date=date))
    if not answer.figures and answer.disputes:
        lines.append(say("figure.about", locale, topic=answer.disputes[0].topic[locale]))
        lines += [f"• {claim.claim[locale]} — « {claim.quote} » [{tag_article(index, claim.article)}]" for claim in answer.disputes[0].claims]
        return lines
    return lines + _render_disputes(index, answer.disputes, locale)


def _render_help(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    return [say("help.title", locale), *(say(f"help.{name}", locale) for name in HELP_COMMANDS), say("help.footer", locale)]


def _render_unknown(index: SagaIndex, answer: Answer) -> list[str]:
    locale = answer.locale
    lines = [say("unknown.no_match", locale)]
    reason = answer.reason or "unknown.no_match"
    if reason not in ("unknown.no_match", "unknown.no_holder", "unknown.empty_timeline"):
        lines.append(say(reason, locale, **answer.detail))
    elif reason == "unknown.no_holder":
        role = phrase_role(index, answer.role or "", answer.of_entity, locale)
        if answer.moment is not None:
            lines = [say("unknown.no_holder_at", locale, role=role, moment=phrase_moment(answer.moment, locale))]
        else:
            lines = [say("unknown.no_holder", locale, role=role)]
    elif reason == "unknown.empty_timeline":
        scope = say("scope.day", locale, day=phrase_date(answer.moment, locale)) if answer.moment else \
            say("scope.entity", locale, name=answer.entity.name if answer.entity else "")
        lines = [say("unknown.empty_timeline", locale, scope=scope)]
    if answer.detail.get("foreign"):
        lines.append(say("unknown.foreign", locale, words=answer.detail["foreign"]))
    if answer.closest:
        lines += [say("closest", locale), *_render_events(index, answer.closest, locale)]
    return lines


def _render_error(index: SagaIndex, answer: Answer) -> list[str]:
    return [say(answer.reason or "error.empty", answer.locale, asked=answer.asked, **answer.detail)]


def _render_events(index: SagaIndex, events: list[Event], locale: Locale) -> list[str]:
    return [render_event(index, event, locale) for event in events]


def _render_capped(index: SagaIndex, events: list[Event], locale: Locale, limit: int) -> list[str]:
    lines = _render_events(index, events[:limit], locale)
    if len(events) > limit:
        lines.append(say("more", locale, count=len(events) - limit))
    return lines


def _render_quote_lines(index: SagaIndex, quote: Quote, locale: Locale) -> list[str]:
    speakers = join_names([index.name(speaker) for speaker in quote.speakers], locale)
    lines = ["• " + say("quote.line", locale, text=quote.text, speakers=speakers, date=phrase_date(quote.date, locale, compact=True),
                        source=tag_article(index, quote.article))]
    if locale == "en" and quote.en:
        lines.append("  " + say("translation", locale, text=f"“{quote.en}”"))
    return lines


def _render_spell(index: SagaIndex, tenure: Tenure, locale: Locale, with_name: bool = True) -> str:
    role = phrase_role(index, tenure.role, tenure.of_entity, locale)
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
    source = f" [{phrase_sources(index, [_make_source(tenure)], locale)}]"
    text = say("role.spell", locale, name=tenure.name, role=role, period=period) if with_name else f"{role}, {period}"
    return text + source


def _name_holder(index: SagaIndex, tenure: Tenure, asked_role: str | None, locale: Locale) -> str:
    """'Mira Murati', or 'Mira Murati (interim CEO of OpenAI)' when asked about the CEO."""
    if tenure.role == asked_role:
        return tenure.name
    return f"{tenure.name} ({phrase_role(index, tenure.role, tenure.of_entity, locale)})"


def _make_source(tenure: Tenure) -> Source:
    return Source(tenure.source_article, tenure.source_quote)


def _render_disputes(index: SagaIndex, disputes: list[Dispute], locale: Locale) -> list[str]:
    lines = []
    for dispute in disputes:
        claims = pick_separator(locale).join(f"{claim.claim[locale]} ({tag_article(index, claim.article)})" for claim in dispute.claims)
        lines.append(say("dispute", locale, topic=dispute.topic[locale], claims=claims))
    return lines


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_RENDERERS = {
    "who": _render_who, "when": _render_when, "what": _render_what, "profile": _render_what, "timeline": _render_timeline,
    "role": _render_role, "quote": _render_quote, "source": _render_source, "figure": _render_figure,
    "help": _render_help, "unknown": _render_unknown, "error": _render_error,
}
