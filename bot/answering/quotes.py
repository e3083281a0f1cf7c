"""Who said it, or what someone said: the verbatim quotes of the articles.

Words are matched against the French text and its English translation both ways: nearly
verbatim (rapidfuzz partial ratio: "la mission continue", "the mission continues") or
paraphrased (most of the question's words are in the quote: "superintelligence dangerous").
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from .answers import Answer
from .intents import QUOTED
from .index import Quote, SagaIndex
from .names import read_names
from .normalize import Locale, drop_stopwords, fold, split_words, stem

# Below these, a quote is not what the asker had in mind.
VERBATIM_SCORE = 88.0
PARAPHRASE_SHARE = 0.7
# Words of a who-said question that are not part of the quoted words.
_ASKING = re.compile(
    r"^.*?\b(?:who|qui|whom)\b.*?\b(?:said|say|says|wrote|write|tweeted|posted|declared|stated|dit|ecrit|declare|"
    r"tweete|poste|affirme|lance)\b\s*(?:que|qu|that|:)?\s*"
)


def answer_quote(index: SagaIndex, command: str, locale: Locale, words: str) -> Answer:
    """Quotes of the person `words` names, or the quotes that say `words`."""
    speaker = _find_speaker_named(index, words)
    if speaker is not None:
        return answer_quotes_by(index, command, locale, speaker, [], words)
    said = extract_spoken_words(words)
    ranked = rank_quotes(index, said)
    if not ranked or ranked[0][0] < 1.0:
        closest = [index.events_by_id[q.event_id] for _, q in ranked[:2] if q.event_id in index.events_by_id]
        return Answer(command, "unknown", locale, asked=words, reason="unknown.no_quote", closest=closest)
    best = ranked[0][0]
    quotes = [quote for score, quote in ranked if score >= best - 0.05]
    people = list(dict.fromkeys(speaker for quote in quotes for speaker in quote.speakers))
    return Answer(command, "quote", locale, asked=words, quotes=quotes, people=people, date=quotes[0].date)


def answer_quote_subject(index: SagaIndex, command: str, locale: Locale, asked: str, quote: Quote, named: set[str]) -> Answer:
    """Whom a quote is about, when the question names its speaker ("Who did the board call
    'exceptionally qualified'?"): the people of its event the question does not name."""
    event = index.events_by_id.get(quote.event_id or "")
    named = named | set(quote.speakers)
    # the ones the words are about first: "getting to know Emmett Shear" is about Shear, said for Microsoft
    people = [person for person in (*event.targets, *event.actors) if person not in named] if event is not None else []
    if event is None or not people:
        return Answer(command, "unknown", locale, asked=asked, reason="unknown.no_match", closest=[event] if event is not None else [])
    return Answer(command, "who", locale, asked=asked, people=people, events=[event], quotes=[quote], date=event.date)


def answer_quotes_by(index: SagaIndex, command: str, locale: Locale, speaker: str, about: list[str], asked: str) -> Answer:
    """What one person said, narrowed to the quotes about `about` (stems) when some are."""
    said = [quote for quote in index.quotes if speaker in quote.speakers]
    narrowed = [quote for quote in said if about and sum(word in quote.stems for word in about) / len(about) >= 0.5]
    if not said:
        return Answer(command, "unknown", locale, asked=asked, reason="unknown.no_quote_by",
                      detail={"name": index.name(speaker, locale)})
    return Answer(command, "quote", locale, asked=asked, people=[speaker], quotes=_order_for_glance(index, narrowed or said))


def _order_for_glance(index: SagaIndex, quotes: list[Quote]) -> list[Quote]:
    """What someone said: whole sentences (fragments only when there is nothing else), their
    words at the saga's turning points first (Sutskever's regret before his July posts)."""
    def order(quote: Quote) -> tuple[int, int]:
        event = index.events_by_id.get(quote.event_id or "")
        return index.glance_order(event) if event is not None else (3, 0)

    whole = [quote for quote in quotes if not quote.fragment]
    return sorted(whole or quotes, key=order)


def extract_spoken_words(text: str) -> str:
    """The quoted part of a who-said question: « qui a dit « la mission continue » ? » → 'la mission continue'."""
    quoted = QUOTED.search(text)
    if quoted:
        return quoted.group("inner") or quoted.group("single")
    folded = fold(text)
    stripped = _ASKING.sub("", folded)
    return stripped.strip(" ?!.") or folded


def rank_quotes(index: SagaIndex, words: str) -> list[tuple[float, Quote]]:
    """Quotes scored 1.0 and above when they match the words well enough, best first."""
    folded = " ".join(split_words(words))
    stems = [stem(word) for word in drop_stopwords(split_words(words)) if word not in index.lexicon.speech_words]
    if len(folded) < 3 or not stems:
        return []
    scored = []
    for quote in index.quotes:
        verbatim = max(_compare_verbatim(folded, quote.words_fr), _compare_verbatim(folded, quote.words_en))
        share = sum(word in quote.stems for word in stems) / len(stems)
        score = max(verbatim / VERBATIM_SCORE if len(folded) >= 8 else 0.0, share / PARAPHRASE_SHARE if len(stems) >= 2 else 0.0)
        if score > 0.3:
            scored.append((round(score, 3), quote))
    scored.sort(key=lambda pair: (-pair[0], pair[1].date.sort_key(), pair[1].article))
    return scored


def _compare_verbatim(folded: str, other: str) -> float:
    if not other:
        return 0.0
    return fuzz.partial_ratio(folded, other) if len(folded) <= len(other) else fuzz.ratio(folded, other)


def _find_speaker_named(index: SagaIndex, words: str) -> str | None:
    """The entity `words` consist of ("Sutskever", « M. Nadella »), if that is all they are."""
    reading = read_names(index, words)
    named = [mention for mention in reading.mentions if mention.entities]
    rest = drop_stopwords(reading.find_unexplained())
    if len(named) != 1 or rest or len(reading.mentions) != 1:
        return None
    return max(sorted(named[0].entities), key=lambda e: sum(e in quote.speakers for quote in index.quotes))
