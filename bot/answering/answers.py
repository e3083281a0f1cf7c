"""What the engine returns: plain dataclasses, no text. `bot.answering.replies` words them in
French or English; `serialise_answer` turns them into the JSON contract of the console.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..saga.dates import SagaDate
from ..saga.roles import Tenure
from .index import Dispute, Entity, Event, Figure, Quote, SagaIndex
from .normalize import Locale

# kind: who, when, what, profile, timeline, role, quote, source, figure, help — or unknown
# (the articles don't say; `closest` holds what comes nearest) and error (the line was not understood).
Kind = Literal["who", "when", "what", "profile", "timeline", "role", "quote", "source", "figure", "help", "unknown", "error"]
KINDS: tuple[Kind, ...] = ("who", "when", "what", "profile", "timeline", "role", "quote", "source", "figure", "help", "unknown",
                           "error")


@dataclass(frozen=True)
class Answer:
    """One answer of the engine, in data: every fact keeps its event, date and sources. Built
    once, never changed (`dataclasses.replace` makes a new one); `kind` says which fields hold
    the answer, and `bot.answering.replies` words it."""

    command: str
    kind: Kind
    locale: Locale
    ok: bool = True
    asked: str = ""
    people: list[str] = field(default_factory=list)
    date: SagaDate | None = None
    events: list[Event] = field(default_factory=list)
    possible: list[Event] = field(default_factory=list)
    closest: list[Event] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    tenures: list[Tenure] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    entity: Entity | None = None
    role: str | None = None
    of_entity: str | None = None
    moment: SagaDate | None = None
    # unknown: why the articles don't answer; error: what was expected (message catalogue keys)
    reason: str | None = None
    detail: dict[str, str] = field(default_factory=dict)
    truncated: int = 0


def serialise_event(index: SagaIndex, event: Event) -> dict[str, Any]:
    """One event as the JSON contract has it."""
    return {
        "id": event.id,
        "date": event.date.iso,
        "actors": [index.name(actor) for actor in event.actors],
        "summary": {"fr": event.summary["fr"], "en": event.summary["en"]},
        "sources": [{"article": source.article, "quote": source.quote} for source in event.sources],
    }


def serialise_quote(index: SagaIndex, quote: Quote) -> dict[str, Any]:
    """A quote in the shape of an event of the contract: its event, with the verbatim words as source."""
    event = index.events_by_id.get(quote.event_id or "")
    return {
        "id": event.id if event else None,
        "date": quote.date.iso,
        "actors": [index.name(speaker) for speaker in quote.speakers],
        "summary": dict(event.summary) if event else {"fr": "", "en": ""},
        "sources": [{"article": quote.article, "quote": quote.text}],
    }


def simplify_number(value: float) -> int | float:
    """505.0 → 505: whole figures stay whole in JSON."""
    return int(value) if float(value).is_integer() else value


def serialise_answer(index: SagaIndex, answer: Answer) -> dict[str, Any]:
    """The `answer` object of the JSON contract."""
    if answer.kind == "quote":
        events = [serialise_quote(index, quote) for quote in answer.quotes]
    else:
        listed = answer.events + answer.possible if answer.kind != "unknown" else answer.closest
        events = [serialise_event(index, event) for event in listed]
    return {
        "kind": answer.kind,
        "people": [index.name(person) for person in answer.people],
        "date": answer.date.iso if answer.date else None,
        "figures": [simplify_number(figure.value) for figure in answer.figures],
        "events": events,
    }
