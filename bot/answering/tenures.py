"""Who held a role, at a moment or over the saga, and who took whose place — from the role
spells of the database (bot.saga.roles), read from the index.
"""
from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz, process

from ..saga.dates import SagaDate
from ..saga.roles import Tenure
from .answers import Answer
from .index import Event, SagaIndex
from .intents import Question
from .names import Reading
from .normalize import Locale, split_words

# An interim CEO holds the CEO's post: asking for the CEO at a moment when there was only
# an interim one answers with the interim one, labelled as such.
STAND_INS = {"ceo": "interim-ceo"}
ORGANISATION_KINDS = frozenset({"organisation", "product", "conference"})


def resolve_role(index: SagaIndex, reading: Reading, text: str) -> str | None:
    """The role a text names: an alias in it, or the closest alias to the whole text."""
    roles = [role for mention in reading.mentions if mention.roles and not mention.entities for role in sorted(mention.roles)]
    roles = roles or reading.roles
    if roles:
        return _pick_most_specific(roles)
    phrase = " ".join(split_words(text))
    if len(phrase) < 3:
        return None
    found = process.extractOne(phrase, tuple(index.role_aliases), scorer=fuzz.WRatio, score_cutoff=85)
    return _pick_most_specific(sorted(index.role_aliases[found[0]])) if found else None


def find_qualifier(index: SagaIndex, reading: Reading) -> str | None:
    """The organisation a role is asked about ("CEO of Microsoft", « PDG d'OpenAI »), if any;
    the most specific when several are named ("CEO of Microsoft's new AI team": the team)."""
    found = [
        (mention.end - mention.start, entity_id)
        for mention in reading.mentions for entity_id in sorted(mention.entities)
        if (entity := index.entities.get(entity_id)) and _can_qualify(index, entity.id, entity.kind)
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _can_qualify(index: SagaIndex, entity_id: str, kind: str) -> bool:
    """Organisations qualify a post; a group (a board, the staff) only where the data has posts of it."""
    return kind in ORGANISATION_KINDS or (kind == "group" and any(t.of_entity == entity_id for t in index.tenures))


def find_holders(index: SagaIndex, role: str, of_entity: str | None, moment: SagaDate | None) -> list[Tenure]:
    """Spells of `role` (at `of_entity`), those covering `moment` when given: certain first."""
    spells = [t for t in index.tenures if t.role == role and (of_entity is None or t.of_entity == of_entity)]
    if moment is None:
        return spells
    found = []
    for tenure in spells:
        verdict = tenure.covers(moment)
        if verdict is not None:
            found.append(replace(tenure, certain=verdict == "certain"))
    return sorted(found, key=lambda tenure: not tenure.certain)


def answer_role(index: SagaIndex, command: str, locale: Locale, role: str | None, of_entity: str | None,
                moment: SagaDate | None, asked: str) -> Answer:
    """Who held `role`: at `moment`, or every spell over the saga."""
    if role is None:
        return Answer(command, "error", locale, ok=False, asked=asked, reason="error.role_expected",
                      detail={"roles": ", ".join(index.roles[r][locale] for r in sorted(index.roles))})
    found = find_holders(index, role, of_entity, moment)
    if role in STAND_INS:
        # The CEO's post includes the interim CEOs who held it.
        stand_ins = find_holders(index, STAND_INS[role], of_entity, moment)
        if moment is None:
            found = sorted(found + stand_ins, key=_order_by_start)
        else:
            found = sorted(found + stand_ins, key=lambda tenure: not tenure.certain)
    if of_entity is None and found and len({tenure.of_entity for tenure in found}) == 1:
        of_entity = found[0].of_entity
    if not found:
        return Answer(command, "unknown", locale, asked=asked, role=role, of_entity=of_entity, moment=moment, date=moment,
                      reason="unknown.no_holder",
                      detail={"role": index.roles[role][locale], "of": index.name(of_entity, locale) if of_entity else ""})
    return Answer(command, "role", locale, asked=asked, role=role, of_entity=of_entity, moment=moment, tenures=found, date=moment,
                  people=_deduplicate([tenure.entity_id for tenure in found]), events=_collect_spell_events(index, found),
                  disputes=[d for d in index.disputes if any(getattr(t, "dispute_id", None) == d.id for t in found)])


def answer_roles_of(index: SagaIndex, command: str, locale: Locale, entity_id: str, asked: str) -> Answer:
    """Every role one entity held during the saga."""
    found = [tenure for tenure in index.tenures if tenure.entity_id == entity_id]
    if not found:
        return Answer(command, "unknown", locale, asked=asked, people=[entity_id], entity=index.entities.get(entity_id),
                      reason="unknown.no_roles", detail={"name": index.name(entity_id, locale)})
    return Answer(command, "role", locale, asked=asked, tenures=found, people=[entity_id],
                  entity=index.entities.get(entity_id), events=_collect_spell_events(index, found))


def answer_replacement(index: SagaIndex, command: str, question: Question) -> Answer | None:
    """"Who replaced Murati?" / « Qui Murati a-t-elle remplacé ? » from the role spells; None
    when the question names no one whose post changed hands."""
    for entity_id in question.entities:
        if question.sequence and not question.replace:
            # "Who was CEO before Murati?" asks for her predecessor; "after Shear" for his successor.
            wants_predecessor = question.sequence == "before"
        else:
            subject = question.mentions_before(entity_id, index.lexicon.replace_words)
            # "X replaced ..." or "... was replaced by X": X is the newcomer, asking for the predecessor.
            wants_predecessor = subject != question.passive if not question.by_whom else False
        pairs = _find_handovers(index, entity_id, wants_predecessor)
        if pairs:
            people = _deduplicate([other.entity_id for _, other in pairs])
            events = [index.events_by_id[e] for e in _deduplicate([_pick_handover_event(t, o, wants_predecessor) for t, o in pairs]) if e in index.events_by_id]
            return Answer(command, "who", question.locale, asked=question.text, people=people, events=events,
                          date=events[0].date if events else None, tenures=[other for _, other in pairs])
    return None


def _find_handovers(index: SagaIndex, entity_id: str, wants_predecessor: bool) -> list[tuple[Tenure, Tenure]]:
    """(this entity's spell, the other's spell) where one took the post the other left."""
    exact, overlapping = [], []
    for mine in (t for t in index.tenures if t.entity_id == entity_id):
        for other in index.tenures:
            if other.entity_id == entity_id or other.of_entity != mine.of_entity:
                continue
            if not _share_post(mine.role, other.role):
                continue
            first, then = (other, mine) if wants_predecessor else (mine, other)
            if first.until_event and first.until_event == then.from_event:
                exact.append((mine, other))
            elif _follows(first, then):
                overlapping.append((mine, other))
    # The same event closing one spell and opening the other is certain; a start merely
    # within the window of an end is only used when nothing is certain.
    return exact or overlapping


def _share_post(role: str, other: str) -> bool:
    return role == other or STAND_INS.get(role) == other or STAND_INS.get(other) == role


def _follows(first: Tenure, then: Tenure) -> bool:
    """Did `then` start when `first` ended (same event, or its start within the end's window)?"""
    if first.until_event is None or then.start_earliest is None:
        return False
    return bool(first.end_earliest and first.end_latest and first.end_earliest <= then.start_earliest <= first.end_latest)


def _pick_handover_event(mine: Tenure, other: Tenure, wants_predecessor: bool) -> str:
    newcomer = mine if wants_predecessor else other
    return newcomer.from_event or ""


def _collect_spell_events(index: SagaIndex, tenures: list[Tenure]) -> list[Event]:
    ids = _deduplicate([e for t in tenures for e in (t.from_event, t.until_event) if e])
    return sorted((index.events_by_id[e] for e in ids if e in index.events_by_id), key=lambda event: event.position)


def _pick_most_specific(roles: list[str]) -> str:
    """'interim-ceo' over 'ceo' when a phrase names both."""
    return max(roles, key=lambda role: (role.count("-"), len(role)))


def _deduplicate(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _order_by_start(tenure: Tenure) -> tuple[str, str]:
    return (tenure.start_earliest or "", tenure.end_latest or "9999")
