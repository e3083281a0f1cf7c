"""The answering engine: one function per command, the same for the console and Discord.

Each takes the in-memory `SagaIndex` and the member's words, and returns an `Answer` (plain
data; `bot.answering.replies` words it). Nothing here reads the database or imports discord,
so Discord can call these through `asyncio.to_thread` and answer in a few milliseconds.
"""
from __future__ import annotations

import re

from dataclasses import replace
from datetime import date as Day
from datetime import timedelta

from rapidfuzz import fuzz, process

from ..saga.dates import SagaDate
from .answers import Answer, Kind
from .figures import answer_figure
from .index import Event, SagaIndex
from .intents import Question, read_question
from .moments import find_moment, parse_moment
from .names import is_part_of_a_name, read_names, resolve_entity
from .normalize import QUESTION_WORDS, Locale, drop_stopwords, detect_locale
from .quotes import answer_quote, answer_quote_subject, answer_quotes_by, extract_spoken_words
from .ranking import Match, select_answers, pick_closest, rank_events
from .tenures import answer_replacement, answer_role, answer_roles_of, find_holders, find_qualifier, resolve_role

MAX_EVENTS = 5
_WHY = re.compile(r"\b(?:why|pourquoi|how come)\b")
WHAT_EVENTS = 3


def help_answer(locale: Locale) -> Answer:
    """The list of commands (worded by `replies`)."""
    return Answer("help", "help", locale)


def who(index: SagaIndex, description: str, locale: Locale | None = None, command: str = "who") -> Answer:
    """Who did the described thing: people ranked, with the events that say so."""
    question = read_question(index, description, locale)
    if not description.strip():
        return _expect(command, question.locale, "who")
    return _who(index, command, question)


def _who(index: SagaIndex, command: str, question: Question) -> Answer:
    description = question.text
    if question.kind == "quote" and (question.quoted or question.speech):
        said = answer_quote(index, command, question.locale, extract_spoken_words(description))
        if said.kind == "quote" and question.asks_who and said.quotes and set(said.quotes[0].speakers) <= set(question.entities):
            # "Who did the board call 'exceptionally qualified'?": the speaker is named, so the
            # one asked is whom the words are about.
            return answer_quote_subject(index, command, question.locale, question.text, said.quotes[0], set(question.entities))
        # "Who wrote the memo?" names what was written, not its words: then the events answer.
        if said.kind != "unknown" or question.quoted:
            return said
    if question.replace or (question.sequence and question.entities and not question.actions - {"appointed"}):
        replacement = answer_replacement(index, command, question)
        if replacement is not None:
            return replacement
        if question.replace:
            # Who replaced whom is told by the posts' history alone: an appointment event names
            # who appointed and who was appointed, never who was replaced.
            return _say_unknown(command, question, rank_events(index, question, _group_entities(index, question)))
    if question.kind == "role":
        return _answer_role_question(index, command, question)
    if question.kind == "profile":
        return _describe_entity(index, command, question, question.entities[0])
    groups = _group_entities(index, question)
    matches = rank_events(index, question, groups)
    found = select_answers(question, matches)
    if not found:
        return _say_unknown(command, question, matches)
    people: list[str] = []
    for match in found:
        people += [person for person in _pick_answer_side(question, match.event) if person not in people]
    # The answer is the one the question does not already name ("who wrote it with Sutskever?");
    # "OpenAI" is named by "the OpenAI board" too. When the best event has no one else, the
    # articles don't say (another event's people would answer another question).
    named = set(question.entities)
    named |= {person for person in people if is_part_of_a_name(index, person, named)}
    if all(person in named for person in _pick_answer_side(question, found[0].event)):
        return _say_unknown(command, question, matches)
    people = [person for person in people if person not in named]
    events = [match.event for match in found][:MAX_EVENTS]
    return _attach_disputes(index, Answer(command, "who", question.locale, asked=description, people=people,
                                          events=events, date=events[0].date))


# The precisions of a date that answer "what day exactly".
EXACT_PRECISIONS = frozenset({"day", "minute"})


def when(index: SagaIndex, description: str, locale: Locale | None = None, command: str = "when") -> Answer:
    """When the described thing happened, at the precision the articles give."""
    question = read_question(index, description, locale)
    if not description.strip():
        return _expect(command, question.locale, "when")
    return _when(index, command, question)


def _when(index: SagaIndex, command: str, question: Question) -> Answer:
    matches = rank_events(index, question, _group_entities(index, question))
    found = select_answers(question, matches)
    if not found:
        return _say_unknown(command, question, matches)
    events = [match.event for match in found][:MAX_EVENTS]
    if question.exact and events[0].date.precision not in EXACT_PRECISIONS:
        # "What day exactly did Sam come back?": the articles give a span, not a day. The closest
        # events still show the span they do give.
        return _say_unknown(command, question, found)
    return _attach_disputes(index, Answer(command, "when", question.locale, asked=question.text,
                                          people=list(events[0].actors), events=events, date=events[0].date))


def what(index: SagaIndex, subject: str, locale: Locale | None = None, command: str = "what") -> Answer:
    """What a person or organisation did, with their roles; or the events a description names."""
    question = read_question(index, subject, locale)
    if not subject.strip():
        return _expect(command, question.locale, "what")
    return _what(index, command, question)


def _what(index: SagaIndex, command: str, question: Question) -> Answer:
    subject = question.text
    entity_id = _find_sole_entity(index, question)
    if entity_id is not None:
        return _describe_entity(index, command, question, entity_id, kind="what")
    # "Why was the board rethinking things on Sunday?" asks for reasons, not Sunday's events.
    asks_why = bool(_WHY.search(question.folded))
    # "What happened during the meeting?" asks about one thing done: its events, not the saga's days.
    if (question.kind == "timeline" and not question.actions) or \
            (question.moment and not question.actions and not question.content and not asks_why):
        return _list_timeline(index, command, question.locale, question.moment,
                              question.entities[0] if question.entities else None, subject)
    return _search(index, command, question)


def timeline(index: SagaIndex, text: str = "", locale: Locale | None = None, day: str | None = None,
             entity: str | None = None, command: str = "timeline") -> Answer:
    """The events in order, of one day and/or one entity when given ("dimanche Murati")."""
    words = " ".join(part for part in (text, day or "", entity or "") if part)
    locale = locale or detect_locale(words)
    moment_found = find_moment(day, index.calendar) if day else find_moment(text, index.calendar) if text else None
    if day and moment_found is None:
        return _expect(command, locale, "timeline_day", asked=day)
    rest = entity if entity is not None else (moment_found.rest if moment_found and text else text)
    entity_id = None
    if rest and drop_stopwords(read_names(index, rest).words):
        entity_id = resolve_entity(index, rest)
        if entity_id is None:
            return _expect(command, locale, "timeline_entity", asked=rest)
    return _list_timeline(index, command, locale, moment_found.date if moment_found else None, entity_id, words)


def role(index: SagaIndex, text: str, locale: Locale | None = None, date: str | None = None, command: str = "role") -> Answer:
    """Who held a role over the saga, or at one moment (« PDG par intérim dimanche »)."""
    locale = locale or detect_locale(f"{text} {date or ''}")
    if not text.strip() and not date:
        return _expect(command, locale, "role")
    moment = parse_moment(date, index.calendar) if date else None
    if date and moment is None:
        return _expect(command, locale, "role_date", asked=date)
    found = find_moment(text, index.calendar) if moment is None else None
    rest = found.rest if found else text
    reading = read_names(index, rest)
    role_id = resolve_role(index, reading, rest)
    of_entity = find_qualifier(index, reading)
    if role_id is None and reading.entities and not drop_stopwords(reading.find_unexplained()):
        return answer_roles_of(index, command, locale, reading.entities[0], text)
    return answer_role(index, command, locale, role_id, of_entity, moment or (found.date if found else None), text)


def quote(index: SagaIndex, words: str, locale: Locale | None = None, command: str = "quote") -> Answer:
    """Who said these words, or what this person said, verbatim."""
    locale = locale or detect_locale(words)
    if not words.strip():
        return _expect(command, locale, "quote")
    return answer_quote(index, command, locale, words)


def source(index: SagaIndex, text: str, locale: Locale | None = None, command: str = "source") -> Answer:
    """The articles and passages behind one event (by id or description), and their disagreements."""
    locale = locale or detect_locale(text)
    if not text.strip():
        return _expect(command, locale, "source")
    return _source(index, command, read_question(index, text, locale))


def _source(index: SagaIndex, command: str, question: Question) -> Answer:
    text, locale = question.text, question.locale
    event = index.events_by_id.get(text.strip()) or _find_event_by_id(index, text)
    if event is None:
        matches = rank_events(index, question, _group_entities(index, question))
        found = select_answers(question, matches)
        if not found:
            return _say_unknown(command, question, matches)
        event = found[0].event
    return _attach_disputes(index, Answer(command, "source", locale, asked=text, people=list(event.actors),
                                          events=[event], date=event.date))


def ask(index: SagaIndex, text: str, locale: Locale | None = None, command: str = "ask") -> Answer:
    """One free question: works out what kind it is and answers it."""
    question = read_question(index, text, locale)
    if not text.strip():
        return _expect(command, question.locale, "ask")
    if _says_nothing(question):
        return Answer(command, "error", question.locale, ok=False, asked=text, reason="error.not_understood")
    kind = question.kind
    if kind == "figure":
        return answer_figure(index, command, question)
    if kind == "quote":
        speakers = [e for e in question.entities if any(e in q.speakers for q in index.quotes)]
        if speakers and not question.quoted and not question.asks_who:
            # "What did Nadella say (about Shear)?": that person's quotes.
            return answer_quotes_by(index, command, question.locale, speakers[0], question.content, text)
        return _who(index, command, question)
    if kind == "when":
        return _when(index, command, question)
    if kind in ("who", "role", "profile"):
        return _who(index, command, question)
    if kind == "source":
        return _source(index, command, question)
    if kind == "timeline" and not question.actions:
        return _list_timeline(index, command, question.locale, question.moment,
                              question.entities[0] if question.entities else None, text)
    return _what(index, command, question)


def _says_nothing(question: Question) -> bool:
    """"hello", « ? »: no name, action, moment or quoted words, and not even a question word."""
    if question.reading.mentions or question.content or question.moment or question.quoted:
        return False
    return not question.foreign or not any(word in QUESTION_WORDS for word in question.folded.split())


def _answer_role_question(index: SagaIndex, command: str, question: Question) -> Answer:
    role_id = resolve_role(index, question.reading, question.text)
    of_entity = find_qualifier(index, question.reading)
    if role_id is not None and of_entity is not None and not find_holders(index, role_id, of_entity, question.moment):
        # "the Twitch guy they made interim CEO of OpenAI": the organisation with such a post.
        of_entity = next((entity for entity in question.entities
                          if entity != of_entity and find_holders(index, role_id, entity, question.moment)), of_entity)
    answer = answer_role(index, command, question.locale, role_id, of_entity, question.moment, question.text)
    others = set(question.entities) - {of_entity}
    if answer.kind == "role" and others and len(answer.people) > 1:
        # The other entities named tell which holder is meant ("the Twitch guy").
        related = [person for person in answer.people if _is_related(index, person, others)]
        if related:
            answer = replace(answer, tenures=[tenure for tenure in answer.tenures if tenure.entity_id in related], people=related)
    return answer


def _is_related(index: SagaIndex, person: str, others: set[str]) -> bool:
    """The person holds a post at one of `others`, or takes part in an event with one."""
    if any(tenure.entity_id == person and tenure.of_entity in others for tenure in index.tenures):
        return True
    return any(person in event.entities and others & set(event.entities) for event in index.events)


def _describe_entity(index: SagaIndex, command: str, question: Question, entity_id: str, kind: Kind = "profile") -> Answer:
    events = index.events_of(entity_id)
    tenures = [tenure for tenure in index.tenures if tenure.entity_id == entity_id]
    return Answer(command, kind, question.locale, asked=question.text, people=[entity_id], entity=index.entities.get(entity_id),
                  events=events, tenures=tenures)


def _list_timeline(index: SagaIndex, command: str, locale: Locale, moment: SagaDate | None, entity_id: str | None,
                   asked: str) -> Answer:
    events = [event for event in index.events if entity_id is None or entity_id in event.entities]
    possible: list[Event] = []
    if moment is not None:
        inside = [event for event in events if _falls_within(event.date, moment)]
        possible = [event for event in events if event not in inside and _may_overlap(event.date, moment)]
        events = inside
    empty = not events and not possible
    return Answer(command, "unknown" if empty else "timeline", locale, asked=asked, events=events, possible=possible,
                  moment=moment, people=[entity_id] if entity_id else [], entity=index.entities.get(entity_id or ""),
                  reason="unknown.empty_timeline" if empty else None)


def _search(index: SagaIndex, command: str, question: Question) -> Answer:
    matches = rank_events(index, question, _group_entities(index, question))
    found = select_answers(question, matches)
    if not found:
        return _say_unknown(command, question, matches)
    # What, why, where: the answer is in the best events' summaries and passages, so the
    # next best ones that are as consistent with the question come along as support.
    found += [match for match in matches[1:WHAT_EVENTS] if match.consistent and match not in found]
    events = [match.event for match in found][:WHAT_EVENTS]
    if _WHY.search(question.folded):
        # Why: the reasons are given by whoever acted, the same day ("the board said he was not
        # consistently candid"): the best such statements come first after the event itself.
        main = events[0]
        reasons = [match.event for match in matches if match.event not in events and match.event.date.iso == main.date.iso
                   and set(match.event.actors) & set(main.actors)][:2]
        events = [main, *reasons, *events[1:]][:WHAT_EVENTS + 1]
    return _attach_disputes(index, Answer(command, "what", question.locale, asked=question.text, events=events,
                                          people=list(events[0].actors), date=events[0].date))


def _group_entities(index: SagaIndex, question: Question) -> list[frozenset[str]]:
    """Each entity the question names, and each role it names standing for its holders
    ("the CEO of OpenAI" → Sam Altman); the organisation qualifying a role is not required."""
    groups: list[frozenset[str]] = []
    qualifiers: set[str] = set()
    for mention in question.reading.mentions:
        if mention.roles and not mention.entities and not mention.actions and mention.text not in index.entity_aliases:
            of_entity = _find_qualifier_after(index, question, mention.end)
            role_id = max(sorted(mention.roles), key=lambda r: (r.count("-"), len(r)))
            spells = find_holders(index, role_id, of_entity, None)
            # A role nobody holds in the articles ("the CEO of Google") stands for no one: no event can match it.
            groups.append(frozenset(tenure.entity_id for tenure in spells) or frozenset({f"no-holder:{role_id}"}))
            if of_entity:
                qualifiers.add(of_entity)
    for entity_id in question.entities:
        if entity_id not in qualifiers:
            groups.append(frozenset({entity_id}))
    return groups


def _find_qualifier_after(index: SagaIndex, question: Question, end: int) -> str | None:
    for mention in question.reading.mentions:
        if mention.entities and end <= mention.start <= end + 2:
            return find_qualifier(index, replace(question.reading, mentions=(mention,)))
    return None


def _pick_answer_side(question: Question, event: Event) -> tuple[str, ...]:
    """The actors or the targets, whichever side the question asks about: the side the
    question does not name (a role it names, "the president who resigned", describes the
    answer and does not count as naming it)."""
    if question.by_whom:
        return event.actors
    if question.passive or question.becoming:
        # "who was named", "who became interim CEO", "who took over": the one it happened to.
        return event.targets or event.actors
    named = set(question.entities)
    if named & set(event.actors) and event.targets and not named & set(event.targets):
        return event.targets
    return event.actors


def _find_sole_entity(index: SagaIndex, question: Question) -> str | None:
    """The entity a /what names when it names nothing else ("altmann", « M. Nadella »)."""
    reading = question.reading
    if question.moment is not None:
        return None
    if not reading.mentions:
        return resolve_entity(index, question.text) if len(drop_stopwords(reading.words)) <= 2 else None
    if len(reading.entities) == 1 and not reading.actions and not drop_stopwords(reading.find_unexplained()):
        return reading.entities[0]
    return None


def _find_event_by_id(index: SagaIndex, text: str) -> Event | None:
    """An event id typed with a typo ("board-fires-altmn"); descriptions have spaces, ids dashes."""
    candidate = text.strip().lower()
    if " " in candidate or "-" not in candidate:
        return None
    found = process.extractOne(candidate, list(index.events_by_id), scorer=fuzz.ratio, score_cutoff=90)
    return index.events_by_id[found[0]] if found else None


def _falls_within(date: SagaDate, moment: SagaDate) -> bool:
    return bool(date.start and date.end and moment.start and moment.end and moment.start <= date.start and date.end <= moment.end)


def _may_overlap(date: SagaDate, moment: SagaDate) -> bool:
    """A range of a few days that includes some of `moment` ("between Sunday 19 and Monday 20")."""
    if not (date.start and date.end and moment.start and moment.end):
        return False
    short = date.end[:10] <= _add_days(date.start[:10], 3)
    return short and date.start <= moment.end and date.end >= moment.start


def _add_days(day: str, days: int) -> str:
    return (Day.fromisoformat(day) + timedelta(days=days)).isoformat()


def _attach_disputes(index: SagaIndex, answer: Answer) -> Answer:
    ids = {event.id for event in answer.events}
    return replace(answer, disputes=[dispute for dispute in index.disputes if ids & set(dispute.events)])


def _say_unknown(command: str, question: Question, matches: list[Match]) -> Answer:
    return Answer(command, "unknown", question.locale, asked=question.text, reason="unknown.no_match",
                  closest=pick_closest(matches), detail={"foreign": ", ".join(question.foreign)})


def _expect(command: str, locale: Locale, what_key: str, asked: str = "") -> Answer:
    return Answer(command, "error", locale, ok=False, asked=asked, reason=f"error.expected_{what_key}")
