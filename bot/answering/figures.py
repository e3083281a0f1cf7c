"""How-many questions: the figures of one measure, every competing value with its source, and
where the articles disagree.

A measure (`letter-signatories`, `openai-headcount`) is found by the words of its slug,
widened by bilingual synonyms (« employés » finds `headcount`), then by the words of its
events. Every figure of the chosen measure is returned, so 505 (003) and « près de 500 »
(004) always come together.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .answers import Answer
from .index import Dispute, Figure, SagaIndex
from .intents import Question
from .names import is_part_of_a_name
from .normalize import DETERMINERS, STOPWORDS, TIME_WORDS, split_words, stem

# Verbs every kind of figure goes with ("how many did they say", « combien ont-ils annoncé »).
GENERIC_ACTIONS = frozenset({"said", "reported", "announced"})
# A figure found through the fused ranking: its event at least this close to the question in
# meaning (chosen on the dev split, benchmarks/eval_answers.py).
FIGURE_MEANING_ACCEPT = 0.25
QUANTITY_WORDS = frozenset({"combien", "nombre", "number", "many", "much", "amount", "montant", "quel", "quelle", "total"})


@dataclass(frozen=True)
class Measure:
    slug: str
    figures: tuple[Figure, ...]
    keywords: frozenset[str]
    context: frozenset[str]
    entities: frozenset[str]
    actions: frozenset[str]
    summaries: frozenset[str]
    size: int


def list_measures(index: SagaIndex) -> list[Measure]:
    """Every measure of the figures table, built once per index."""
    cached = index.cache.get("measures")
    if cached is None:
        cached = index.cache["measures"] = _build_measures(index)
    return cached


def answer_figure(index: SagaIndex, command: str, question: Question) -> Answer:
    """The figures a how-many question asks for, or "the articles don't say"."""
    stop = (STOPWORDS - TIME_WORDS) | QUANTITY_WORDS
    words = [stem(w) for w in question.reading.words if w not in stop and len(w) > 1]
    answer = Answer(command, "figure", question.locale, asked=question.text)
    scored = sorted(((_score(index, measure, words, question), measure) for measure in list_measures(index)),
                    key=lambda pair: -pair[0][0])
    units = _find_asked_units(index, question)
    if units:
        # "What percentage ...": only measures that have a figure in percent.
        scored = [pair for pair in scored if any(figure.unit in units for figure in pair[1].figures)]
    else:
        # A length of time answers only a question that asks for one ("how long", « combien
        # de jours »): "how many achievements in one week" counts achievements.
        durations = index.lexicon.asked_units.get("duration", frozenset())
        scored = [pair for pair in scored if not all(figure.unit in durations for figure in pair[1].figures)]
    chosen: list[Measure] = []
    if scored and scored[0][0][1] and not question.foreign:
        best = scored[0][0][0]
        chosen = [measure for (score, confident), measure in scored if confident and score >= best - 0.01]
    elif scored:
        # No rule names what is counted ("how many staffers threatened to quit?"): the measure
        # whose events mean most nearly what is asked, when it clearly does.
        chosen = _choose_by_meaning(index, question, [measure for _, measure in scored], units)
    if chosen:
        figures = [figure for measure in chosen for figure in measure.figures if not units or figure.unit in units]
        events = list(dict.fromkeys(figure.event_id for figure in figures))
        found = [index.events_by_id[e] for e in events if e in index.events_by_id]
        # A disagreement about *this* count: linked to its events and named like it
        # ("Number of OpenAI employees" for openai-headcount, not the signatories').
        slug_words = {stem(word) for measure in chosen for word in measure.slug.split("-")}
        disputes = [d for d in index.disputes if set(d.events) & set(events) and d.stems & slug_words]
        return replace(answer, figures=figures, events=found, date=found[0].date if found else None, disputes=disputes)
    dispute = _find_closest_dispute(index, words)
    if dispute is not None and not question.foreign and _involves_all_named(index, dispute, question) \
            and _is_about_a_quantity(index, dispute, units):
        return replace(answer, disputes=[dispute], events=[index.events_by_id[e] for e in dispute.events if e in index.events_by_id])
    nearest = [measure.figures[0].event_id for _, measure in scored[:2]]
    closest = [index.events_by_id[event_id] for event_id in dict.fromkeys(nearest) if event_id in index.events_by_id]
    return replace(answer, kind="unknown", reason="unknown.no_figure", closest=closest)


def _find_asked_units(index: SagaIndex, question: Question) -> frozenset[str]:
    """The unit the question counts in: the words of its quantity phrase and the two after it
    ("how many *users* did ChatGPT get in under a year" asks for users, not years; « combien
    de *jours* »), or a percent sign."""
    if "%" in question.text:
        return frozenset({"percent"})
    if "$" in question.text or "€" in question.text:
        return frozenset({"USD"})
    words = question.folded.split()
    asked = index.lexicon.asked_units
    for phrase in index.lexicon.quantity_phrases:
        size = len(phrase.split())
        for start in range(len(words) - size + 1):
            if words[start:start + size] == phrase.split():
                following = [w for w in words[start:start + size + 3] if w not in ("de", "d", "of", "des")]
                return frozenset().union(*(asked.get(word, frozenset()) for word in following[: size + 2]))
    return frozenset().union(*(asked.get(word, frozenset()) for word in question.reading.words))


def _choose_by_meaning(index: SagaIndex, question: Question, measures: list[Measure], units: frozenset[str]) -> list[Measure]:
    """The measures of the best-ranked event with figures (by the rules, meaning and words),
    among those that count what the question names and that nothing in it contradicts."""
    from .ranking import rank_events  # ranking reads questions too; imported here to keep the layers flat

    by_event: dict[str, list[Measure]] = {}
    for measure in measures:
        for figure in measure.figures:
            by_event.setdefault(figure.event_id, []).append(measure)
    events = [event for event in index.events if event.id in by_event]
    stop = (STOPWORDS - TIME_WORDS) | QUANTITY_WORDS
    named = _name_stems(index, question.entities)
    counted = [stem(w) for w in question.reading.words if w not in stop and len(w) > 2 and stem(w) not in named]
    for match in rank_events(index, question, events=events):
        if not match.consistent or match.meaning < FIGURE_MEANING_ACCEPT:
            continue
        chosen = [m for m in dict.fromkeys(by_event[match.event.id])
                  if (not units or any(f.unit in units for f in m.figures))
                  and not _contradicts(index, m, question, actions=False) and _names_what_is_counted(index, m, counted)]
        if chosen:
            return chosen
    return []


def _score(index: SagaIndex, measure: Measure, words: list[str], question: Question) -> tuple[float, bool]:
    if not words or _contradicts(index, measure, question):
        return 0.0, False
    # What is counted must be named by a word of its own, not only by a name ("Microsoft" is in
    # `defectors-to-microsoft`, but "how many employees does Microsoft have?" is not about defectors).
    named = _name_stems(index, question.entities)
    if not any(word in measure.keywords and word not in named for word in words):
        return 0.0, False
    if not _names_what_is_counted(index, measure, words):
        return 0.0, False
    keyword_hits = sum(word in measure.keywords for word in words)
    context_hits = sum(word in measure.context and word not in measure.keywords for word in words)
    score = keyword_hits + 0.4 * context_hits - 0.05 * measure.size
    covered = (keyword_hits + context_hits) / len(words)
    return score, keyword_hits >= 1 and covered >= 0.5


def _names_what_is_counted(index: SagaIndex, measure: Measure, words: list[str]) -> bool:
    """The measure's own words (its slug, less names and generic words such as "duration") are
    asked for, or their synonyms: "how many days was Shear CEO?" is not the length of his
    30-day *plan*."""
    own = _own_words(index, measure, widen=False)
    return not own or bool(_own_words(index, measure, widen=True) & set(words))


def _own_words(index: SagaIndex, measure: Measure, widen: bool) -> set[str]:
    """The stems of the measure's id less names and generic words, with their synonyms when widened."""
    named = _name_stems(index, measure.entities)
    generic = {stem(word) for word in index.lexicon.generic_measure_words}
    own = {stem(word) for word in measure.slug.split("-")} - named - generic
    if widen:
        for group in index.lexicon.synonym_stems:
            if group & own:
                own |= group
    return own


def _name_stems(index: SagaIndex, entity_ids: Iterable[str]) -> set[str]:
    """The stems of every alias of these entities."""
    return {stem(word) for entity_id in entity_ids for alias in _aliases(index, entity_id) for word in split_words(alias)}


def _contradicts(index: SagaIndex, measure: Measure, question: Question, actions: bool = True) -> bool:
    """The question names an entity or an action that the measure's events do not involve."""
    # A named entity the measure's events do not involve means another measure, not this one.
    verbs = {stem(max(m.text.split(), key=len)) for m in question.reading.mentions if m.actions}
    # ... or when the question also names whose figure it is ("% of *OpenAI's staff* ready to
    # jump to Microsoft"), anywhere in its summary.
    acting = bool(verbs & measure.summaries) or any(entity in measure.entities for entity in question.entities)
    for entity_id in question.entities:
        names = _name_stems(index, [entity_id])
        # Among the measure's actors and targets, in its very name ("openai-headcount"), or
        # beside the asked verb in its summary ("ready to *join Microsoft*"); a mention in
        # passing ("after Microsoft's announcement") is not what is counted.
        if entity_id not in measure.entities and not names & measure.keywords and not (acting and names & measure.summaries) \
                and not is_part_of_a_name(index, entity_id, measure.entities):
            return True
    if not actions:
        return False
    # So does an action the measure's events do not tell: "how many people did Microsoft
    # hire?" is not answered by OpenAI's headcount.
    words_read = question.reading.words
    for mention in question.reading.mentions:
        if not mention.actions or not mention.actions - GENERIC_ACTIONS:
            continue
        if mention.start > 0 and words_read[mention.start - 1] in DETERMINERS:
            continue  # "the letter": a thing the figure is about, not something done
        if not (mention.actions & measure.actions or stem(mention.text.split()[-1]) in measure.keywords | measure.context):
            return True
    return False


def _is_about_a_quantity(index: SagaIndex, dispute: Dispute, units: frozenset[str]) -> bool:
    """The disagreement is about a number (« 505 » / « près de 500 ») or about the unit asked
    (« quelques heures » for "how long"), not about a title."""
    if any(char.isdigit() for claim in dispute.claims for char in claim.quote + claim.claim["en"]):
        return True
    unit_words = {stem(word) for word, asked in index.lexicon.asked_units.items() if asked & units}
    return bool(unit_words & dispute.stems)


def _involves_all_named(index: SagaIndex, dispute: Dispute, question: Question) -> bool:
    """Every entity the question names takes part in the disputed events (Shear's time as CEO
    is not the disagreement about Murati's)."""
    involved = {entity for event_id in dispute.events if (event := index.events_by_id.get(event_id)) for entity in event.entities}
    return all(entity in involved for entity in question.entities)


def _find_closest_dispute(index: SagaIndex, words: list[str]) -> Dispute | None:
    """A disagreement whose topic the question asks about ("how long was Murati interim CEO?")."""
    if not words:
        return None
    best, best_share = None, 0.0
    widened: dict[str, frozenset[str]] = index.cache.setdefault("disputes-widened", {})
    for dispute in index.disputes:
        if dispute.id not in widened:
            widened[dispute.id] = _widen(index, dispute.stems)
        known = widened[dispute.id]
        share = sum(word in known for word in words) / len(words)
        if share > best_share:
            best, best_share = dispute, share
    return best if best_share >= 0.6 else None


def _build_measures(index: SagaIndex) -> list[Measure]:
    grouped: dict[str, list[Figure]] = {}
    for event in index.events:
        for figure in event.figures:
            grouped.setdefault(figure.measure, []).append(figure)
    built = []
    for slug, figures in grouped.items():
        slug_stems = {stem(word) for word in slug.split("-") if word}
        # The unit says what is counted too ("percent"), except "people", which every count of persons shares.
        unit_stems = {stem(figure.unit.lower()) for figure in figures if figure.unit != "people"}
        keywords = slug_stems | unit_stems
        for group in index.lexicon.synonym_stems:
            if group & (slug_stems | unit_stems):
                keywords |= group
        context: set[str] = set()
        entities: set[str] = set()
        actions: set[str] = set()
        summaries: set[str] = set()
        for figure in figures:
            dated = index.events_by_id.get(figure.event_id)
            context |= {stem(word) for word in split_words(figure.quote)}
            if dated is not None:
                context |= dated.stems
                summaries |= dated.summary_stems
                entities |= set(dated.entities)
                actions.add(dated.action)
        for entity_id in entities:
            entity = index.entities.get(entity_id)
            context |= {stem(w) for alias in (entity.aliases if entity else ()) for w in split_words(alias)}
        built.append(Measure(slug, tuple(figures), frozenset(keywords), frozenset(context), frozenset(entities),
                             frozenset(actions), frozenset(summaries), len(slug_stems)))
    return built


def _widen(index: SagaIndex, stems: frozenset[str]) -> frozenset[str]:
    """A dispute's words and their synonyms: « durée » also means "temps", "CEO" also « PDG »."""
    wider = set(stems)
    for group in index.lexicon.synonym_stems:
        if group & stems:
            wider |= group
    for alias, roles in index.role_aliases.items():
        if stem(alias) in stems:
            wider |= {stem(other) for other, others in index.role_aliases.items() if others & roles and " " not in other}
    return frozenset(wider)


def _aliases(index: SagaIndex, entity_id: str) -> tuple[str, ...]:
    entity = index.entities.get(entity_id)
    return entity.aliases if entity else ()
