"""Which events answer a question, and whether the match is good enough to answer at all.

An event scores on the entities the question names (rare entities weigh more), on the
action (its action id, or one of the question's action words in its text), on the other
words of the question found in its summaries and sources, a little on being part of the
saga's own days, and on how close it is to the question in meaning and in words
(bot.answering.retrieval). It is *confident* only when it explains the whole question: every
named entity is in it, the action matches when one is asked, no word of the question is
foreign to the articles, and most of its other words are the event's. Anything less is
offered as "closest", never as the answer.
"""
from __future__ import annotations
from dataclasses import dataclass

from ..saga.calendar import SagaCalendar
from ..saga.dates import SagaDate
from .index import Event, SagaIndex
from .intents import Question
from .normalize import DETERMINERS, PREPOSITIONS, split_words, stem

# An event whose action is only related to the one asked ("put out that post": `wrote`; the
# event: `published`) counts this share of a hit: less than the action itself, enough to answer
# when nothing has the very action (dev split: 5 more right, 1 fewer wrong).
RELATED_ACTION = 0.5
# Events this far below the best confident one are not part of the answer (one more
# matching entity or action word is worth more than this).
MARGIN = 0.4


# How much meaning and words weigh against the rules' points (an entity named is worth about
# 2 to 8): 15 × the cosine of the event's closest text, 3 × its share of the best BM25 score.
# Chosen on the dev split (the evidence event ranks first for 124 of 175 answerable questions,
# against 103 with the rules alone).
MEANING_WEIGHT = 15.0
WORDS_WEIGHT = 3.0
# An answer whose event holds fewer of the question's other known words than this is about as
# often wrong as right on blind questions (the dev split, its 240 later questions included): the articles don't say.
COVER_MIN = 0.67
# Words the articles never use that a question may hold and still be answered. Allowing one
# ("yo", "timezone") answered 13 more dev questions and 15 more wrongly: the word the articles
# lack is often the very thing asked ("which US *holiday*").
FOREIGN_MAX = 0


@dataclass(frozen=True)
class Match:
    event: Event
    score: float
    # the rules explain the whole question: every entity, the action, the words
    confident: bool
    action_hit: bool
    # the cosine between the question and the event's closest text
    meaning: float = 0.0
    # nothing in the question contradicts the event (every entity named is in it, the moment fits)
    consistent: bool = False
    # the rules' own points, without meaning and words: what tells apart equally good answers
    rules: float = 0.0
    # the share of the question's other known words found in the event
    covered: float = 0.0


@dataclass(frozen=True)
class _Asked:
    """What the question asks, weighed once rather than once per event."""

    groups: list[tuple[frozenset[str], frozenset[str], float]]  # entities, their alias stems, weight
    action_stems: frozenset[str]
    actions: list[tuple[frozenset[str], float]]
    # each asked action's related actions, in the same order
    related: list[frozenset[str]]
    action_total: float
    content: dict[str, float]
    content_total: float
    calendar: SagaCalendar | None


def rank_events(index: SagaIndex, question: Question, entity_groups: list[frozenset[str]] | None = None,
                events: list[Event] | None = None) -> list[Match]:
    """Every event with something in common with the question, best first."""
    groups = entity_groups if entity_groups is not None else [frozenset({entity}) for entity in question.entities]
    actions = _weigh_actions(question)
    content = {word: index.weigh_stem(word) for word in question.content}
    # A secondary verb or a topic ("threatened *to resign*", "reported *on the memo*") must
    # also be found in the event's words, like any other word of the question.
    for mention, (_, weight) in zip([m for m in question.reading.mentions if m.actions], actions):
        if weight < 1:
            word = stem(max(mention.text.split(), key=len))
            content[word] = index.weigh_stem(word)
    asked = _Asked(
        groups=[(group, frozenset().union(*(_stem_aliases(index, entity) for entity in group)),
                 max(index.weigh_entity(entity) for entity in group)) for group in groups],
        # The telling word of each action phrase: "rehire", not the "to" of "tried to".
        action_stems=frozenset(stem(max(m.text.split(), key=len)) for m in question.reading.mentions if m.actions),
        actions=actions,
        related=[frozenset().union(*(index.related_actions.get(action, frozenset()) for action in asked)) - asked
                 for asked, _ in actions],
        action_total=sum(weight for _, weight in actions),
        content=content,
        content_total=sum(content.values()),
        calendar=index.calendar,
    )
    scores = index.score(question.text)
    closeness = scores.meaning
    best_words = max(scores.words, default=0.0) or 1.0
    matches = []
    for event in events if events is not None else index.events:
        position = index.event_order.get(event.id)
        meaning = float(closeness[position]) if position is not None and position < len(closeness) else 0.0
        words = scores.words[position] / best_words if position is not None and position < len(scores.words) else 0.0
        match = _score(question, event, asked, meaning, words)
        if match is not None:
            matches.append(match)
    matches.sort(key=lambda match: (-match.score, match.event.position))
    return matches


def select_answers(question: Question, matches: list[Match]) -> list[Match]:
    """The confident matches close enough to the best one to be part of the answer."""
    confident = [match for match in matches if match.confident]
    if not confident:
        return []
    # When some event has the very action asked, events that only mention it are context.
    if confident[0].action_hit:
        confident = [match for match in confident if match.action_hit]
    best = max(match.rules for match in confident)
    found = [match for match in confident if match.rules >= best - MARGIN]
    # Calibrated on blind questions: an answer whose event holds few of the question's other
    # words is about as often wrong as right.
    if found[0].covered < COVER_MIN:
        return []
    return found


def pick_closest(matches: list[Match], limit: int = 3) -> list[Event]:
    """The best partial matches, offered when nothing answers."""
    return [match.event for match in matches[:limit] if match.score > 0]


def _score(question: Question, event: Event, asked: _Asked, meaning: float = 0.0, words: float = 0.0) -> Match | None:
    entity_score = missing = 0.0
    for group, alias_stems, weight in asked.groups:
        if not group.isdisjoint(event.entities):
            entity_score += weight
        elif not alias_stems.isdisjoint(event.summary_stems):
            # Named in the text but not an actor or target ("in place of Mira Murati").
            entity_score += weight / 2
        else:
            missing += weight
    # Each action word of the question that fits the event counts ("wrote the memo": two),
    # and a word that *is* the event's action ("joined" for `joined`, not `hired`) a little more.
    hits = sum(weight for actions, weight in asked.actions if event.action in actions)
    if not hits:
        hits = RELATED_ACTION * sum(weight for (_, weight), related in zip(asked.actions, asked.related) if event.action in related)
    action_hit = hits > 0
    action_score = 3.0 * hits / asked.action_total if asked.actions else 0.0
    if action_hit and stem(event.action) in asked.action_stems:
        action_score += 0.5
    # The question's own action word in the event's summary: « lancé » finds "OpenAI lance
    # ChatGPT" rather than "déploie de nouvelles fonctionnalités", both `launched`.
    action_in_text = not asked.action_stems.isdisjoint(event.summary_stems)
    text_score = sum(weight for word, weight in asked.content.items() if word in event.stems)
    content_total = asked.content_total
    # The summary's own word only tells apart events of the same entities; without any, it
    # would favour whichever summary happens to use the asker's verb (« licencié »).
    word_bonus = 1.0 if action_in_text and entity_score > 0 else 0.0
    rules = 2 * entity_score + action_score + word_bonus + text_score - 1.5 * missing
    if rules <= 0 and not action_hit:
        return None
    score = rules + MEANING_WEIGHT * meaning + WORDS_WEIGHT * words
    if asked.calendar is not None and asked.calendar.contains(event.date.start or event.date.end or ""):
        score += 0.3
        rules += 0.3
    if event.hedged:
        score -= 0.2
        rules -= 0.2
    covered = text_score / content_total if content_total else 1.0
    confident = (
        not question.negated
        and missing == 0
        and len(question.foreign) <= FOREIGN_MAX
        and (action_hit or not question.actions)
        and (bool(question.actions) or (covered >= 0.5 and (content_total > 0 or entity_score > 0)))
        and (covered >= 0.5 or (action_hit and entity_score > 0))
        and (entity_score > 0 or (bool(question.actions) and covered >= 0.5) or (content_total > 0 and covered >= 0.75))
    )
    # An action the question names that is not the event's contradicts it ("when did Murati
    # resign?" is not answered by her appointment, however close in meaning).
    consistent = not question.negated and missing == 0 and (entity_score > 0 or action_hit)
    if question.moment is not None and not _overlaps(event, question.moment):
        # "Who resigned on Monday?" is not answered by Friday's resignation.
        confident, consistent, score, rules = False, False, score - 2, rules - 2
    if not question.actions and not question.content and len(asked.groups) <= 1:
        # A bare name ("/when Altman") names many events: none of them is *the* answer.
        confident = consistent = False
    return Match(event, score, confident, action_hit, meaning, consistent, rules, covered)


def _stem_aliases(index: SagaIndex, entity_id: str) -> set[str]:
    entity = index.entities.get(entity_id)
    if entity is None:
        return set()
    # The distinctive word of each alias ("murati" of "Mira Murati"), not "m" or "the".
    return {stem(words[-1]) for alias in entity.aliases if (words := split_words(alias)) and len(words[-1]) > 3}


def _overlaps(event: Event, moment: SagaDate) -> bool:
    first, last = event.date.start or "", event.date.end or "9999"
    return first <= (moment.end or "9999") and last >= (moment.start or "")



def _weigh_actions(question: Question) -> list[tuple[frozenset[str], float]]:
    """The action words of the question, weighed by what they do in it: a noun after a
    determiner names the very thing asked about ("when was *the letter* published": 2); after
    a preposition only a topic ("who reported *on the memo*": 0.5); a verb after another verb
    and "to"/« de » is what the first one is about ("threatened *to resign*": 0.5)."""
    words = question.reading.words
    weighted: list[tuple[frozenset[str], float]] = []
    previous_end = -1
    for mention in question.reading.mentions:
        if not mention.actions:
            continue
        before = words[mention.start - 1] if mention.start > 0 else ""
        weight = 1.0
        if before in DETERMINERS:
            weight = 0.5 if mention.start > 1 and words[mention.start - 2] in PREPOSITIONS else 2.0
        elif before in ("to", "de") and previous_end in (mention.start - 1, mention.start):
            weight = 0.5
        weighted.append((mention.actions, weight))
        previous_end = mention.end
    return weighted
