"""Who held this role on this date? From the role history (the same reading as `/role`):
asked only where some holder is certain that day and the articles agree on the post."""
from __future__ import annotations

import random
from functools import partial

from ...answering.index import SagaIndex
from ...answering.normalize import Locale
from ...answering.phrasing import phrase_moment, phrase_role
from ...answering.tenures import STAND_INS, find_holders
from ...messages import say
from ...saga.calendar import ANCHOR
from ...saga.dates import parse_point
from ...saga.roles import Tenure
from ..eligibility import classify_entity, list_class_members, list_disputed_events, measure_obscurity
from ..explain import phrase_passage, word_both
from ..questions import Choice, Difficulty, Passage, Question
from .base import WRONG_COUNT, Candidate, assemble, pick_by_closeness

# The saga's days from the Friday of the ouster to the Monday of the letter.
ASKED_DAYS = tuple(ANCHOR.replace(day=ANCHOR.day + offset).isoformat() for offset in range(4))
# Posts that stand for one another: whoever held one of them could pass for a right answer
# ("CEO" of the new Microsoft team, which Altman *and* Brockman lead; an interim CEO is the CEO).
POST_GROUPS = (frozenset({"ceo", *STAND_INS.values(), "team-lead"}),
               # a chief scientist or a head of research is a researcher too: no wrong choice for "researcher"
               frozenset({"researcher", "chief-scientist", "research-director", "head-of-preparedness"}))


def list_role_candidates(index: SagaIndex) -> list[Candidate]:
    """One candidate per (role, organisation, holder) certain on some saga day."""
    found: dict[str, tuple[str, Tenure, list[Tenure]]] = {}
    for role, of_entity in sorted({(tenure.role, tenure.of_entity) for tenure in index.tenures}, key=str):
        if of_entity is None:
            continue  # "who was a researcher?" has answers far beyond the saga
        if role in index.lasting_roles:
            continue  # "co-founder of Twitch on Friday 17": a title for life has no date to ask
        spells = _list_post_spells(index, role, of_entity)
        if any(_is_contested(index, tenure) for tenure in spells):
            continue
        for day in ASKED_DAYS:
            holders = find_holders(index, role, of_entity, parse_point(day))
            for tenure in holders:
                entity = index.entities.get(tenure.entity_id)
                if not tenure.certain or classify_entity(entity) != "person" or _changes_on(tenure, day):
                    continue
                key = f"role:{role}:{of_entity or ''}:{tenure.entity_id}"
                found.setdefault(key, (day, tenure, [t for t in holders if t.certain]))
    candidates = []
    for key, (day, tenure, certain) in sorted(found.items()):
        ranked = _rank_distractors(index, tenure)
        if len(ranked) >= WRONG_COUNT:
            # A post is no event: two posts opened by one announcement are two questions.
            candidates.append(Candidate(key, "role", None, measure_obscurity(index, None, (tenure.entity_id,)),
                                        partial(_make, index, tenure, day, len(certain) > 1, ranked, key)))
    return candidates


def _changes_on(tenure: Tenure, day: str) -> bool:
    """Whether the spell may begin or end that day: Brockman was president on the morning of
    Friday 17 and not in the evening, so "president on Friday 17?" has no one answer."""
    bounds = (tenure.start_earliest, tenure.start_latest, tenure.end_earliest, tenure.end_latest)
    return any(bound is not None and bound[:10] == day for bound in bounds)


def _list_post_spells(index: SagaIndex, role: str, of_entity: str | None) -> list[Tenure]:
    """Every spell of this post or a related one, at this organisation or at none named."""
    roles = {role}.union(*(group for group in POST_GROUPS if role in group))
    return [tenure for tenure in index.tenures if tenure.role in roles and tenure.of_entity in (of_entity, None)]


def _is_contested(index: SagaIndex, tenure: Tenure) -> bool:
    """The articles disagree on the post, or on the events opening or closing it, or hedge them."""
    if tenure.dispute_id:
        return True
    for event_id in (tenure.from_event, tenure.until_event):
        event = index.events_by_id.get(event_id or "")
        if event_id and (event is None or event.hedged or event_id in list_disputed_events(index)):
            return True
    return False


def _rank_distractors(index: SagaIndex, tenure: Tenure) -> list[str]:
    """People who never held this post (or a related one) anywhere, those with other posts at
    the same organisation first ("other figures of the same unit"). Anywhere: Nadella, CEO of
    Microsoft, could pass for the CEO of Microsoft's new AI team."""
    roles = {tenure.role}.union(*(group for group in POST_GROUPS if tenure.role in group))
    holders = {spell.entity_id for spell in index.tenures if spell.role in roles}
    pool = [entity.id for entity in list_class_members(index, "person") if entity.id not in holders]

    def closeness(entity_id: str) -> int:
        same_unit = sum(1 for spell in index.tenures if spell.entity_id == entity_id and spell.of_entity == tenure.of_entity)
        return 3 * same_unit + sum(1 for spell in index.tenures if spell.entity_id == entity_id)

    return sorted(pool, key=lambda entity_id: (-closeness(entity_id), entity_id))


def _make(index: SagaIndex, tenure: Tenure, day: str, among: bool, ranked: list[str], key: str, rng: random.Random,
          difficulty: Difficulty, taken: frozenset[str] = frozenset()) -> Question | None:
    def name(entity_id: str) -> Choice:
        return Choice(entity_id, "person", {"fr": index.name(entity_id, "fr"), "en": index.name(entity_id, "en")})

    def ask(locale: Locale) -> str:
        return say("quiz.ask.role_among" if among else "quiz.ask.role", locale,
                   role=phrase_role(index, tenure.role, tenure.of_entity, locale), moment=phrase_moment(parse_point(day), locale))

    def explain(locale: Locale) -> str:
        held = say("quiz.explain.role", locale, name=index.name(tenure.entity_id, locale),
                   role=phrase_role(index, tenure.role, tenure.of_entity, locale, tenure.entity_id))
        return held + "\n" + phrase_passage(index, tenure.source_article, tenure.source_quote, locale)

    wrong = [name(entity_id) for entity_id in pick_by_closeness(rng, ranked, difficulty)]
    return assemble(rng, key, "role", difficulty, word_both(ask), name(tenure.entity_id), wrong, word_both(explain),
                    None, [Passage(tenure.source_article, tenure.source_quote)],
                    measure_obscurity(index, None, (tenure.entity_id,)),
                    asked={"role": tenure.role, "of": tenure.of_entity or "", "date": day})
