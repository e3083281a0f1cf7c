"""What a question asks: who, when, what, how many, who said, which role, what happened on
a day; and what it names (entities, roles, actions, a moment, quoted words, other words).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..saga.dates import SagaDate
from .index import SagaIndex
from .lexicon import Lexicon, respell, says_replace
from .moments import find_moment
from .names import Reading, read_names
from .normalize import DETERMINERS, ELIDED, Locale, drop_stopwords, detect_locale, fold, stem

# Verbs too general to say what happened ("when did Altman go to Singapore"): neither an
# action nor a word an event must contain.
GENERIC_WORDS = frozenset("""
go goes went gone come came make made take took give gave become became happen happened occur occurred start started
begin began begun end ended really exactly actually officially first finally last ever still now today yesterday just
aller alle allee venir venu venue devenir devenu devenue lieu commence commencer vraiment exactement finalement
officiellement dernier derniere premier premiere encore aujourd hier deja ensuite puis enfin
source sources article articles passage passages mentionne mentionnent parle parlent talks mentions
voulait voulu veut voulaient vouloir want wants wanted wanting exprime exprimer exprimes express expressed expresses
put puts putting get gets getting decide decided decides decision decide decider decidee decida bring brings brought
""".split())
# Words quoted with guillemets, double quotes, or single quotes that are not apostrophes
# ('one for the history books': a space or the start before, a space or punctuation after).
QUOTED = re.compile(r"[«“\"]\s*(?P<inner>[^«»“”\"]{3,}?)\s*[»”\"]|(?:^|(?<=\s))['‘](?P<single>[^'‘’]*\s[^'‘’]*?)['’](?=[\s?!.,;:]|$)")
_PASSIVE_EN = re.compile(r"\b(?:was|were|been|got|get|gets|is|are|being)\s+(?:\w+ly\s+)?(?P<verb>\w+)")
_PASSIVE_FR = re.compile(r"\b(?:ete|etee|etes|etees|s est fait|s est fait|se sont fait|s etait fait)\s+(?:\w+ment\s+)?(?P<verb>\w+)")
_SUBORDINATE = re.compile(r"\b(?:after|before|when|while|because|since|once|apres|avant|quand|lorsque|parce|pendant)\b")
_BY_WHOM = re.compile(r"\b(?:by whom|par qui|who by)\b")
_WHO = re.compile(r"\b(?:who|whom|qui|quelle personne|which person|lequel|laquelle|lesquels|s appelle comment|s apelle comment|"
                  r"comment s appelle|quel est son nom|what s the name|what is the name|whats the name)\b")
# « quand même » is "all the same", not "when".
_WHEN = re.compile(r"\b(?:when|quand(?! meme\b)|what time|what day|what date|which day|what year|which year|what month|quelle heure|quel jour|quelle date|a quelle heure|depuis quand|quelle annee|quel mois)\b")
_TIMELINE = re.compile(r"\b(?:what happened|what went on|s est il passe|s est passe|est il arrive|timeline|chronologie|deroule|evenements|events)\b")
_SOURCE = re.compile(r"^sources?\b|\b(?:which article|what article|quel article|quels articles|which source|quelle source|where does it say|ou est il dit)\b")
NEGATIONS = frozenset("not never didn doesn wasn weren isn hasn haven hadn won pas jamais aucun aucune plus-jamais".split())
_BEFORE = re.compile(r"\b(?:before|avant|preceded|precede|predecessor|predecesseur)\b")
_AFTER = re.compile(r"\b(?:after|apres|next|ensuite|successor|successeur|succeeded|succede|came after|took over from|"
                    r"replacement|remplacant|remplacante)\b")
_OTHER_QUESTION = re.compile(r"\b(?:where|why|how|ou est|ou etait|pourquoi|comment)\b")
_WHAT_DID = re.compile(r"\b(?:what did|what has|what have|qu a fait|qu ont fait|qu a|qu ont|que fait|what does)\b")


@dataclass(frozen=True)
class Question:
    """A question read for answering."""

    text: str
    locale: Locale
    kind: str
    reading: Reading
    moment: SagaDate | None
    entities: list[str]
    roles: list[str]
    actions: set[str]
    content: list[str]
    foreign: list[str]
    passive: bool
    by_whom: bool
    replace: bool
    quoted: str | None
    speech: bool
    asks_who: bool
    # "who was CEO before Murati?" / « qui a succédé à Shear ? »: the post's previous or next holder
    sequence: str | None
    # "who did *not* resign?": events say what happened, never what did not
    negated: bool
    # "who became CEO", "who took over": the subject is the one the event happened to
    becoming: bool
    folded: str = field(repr=False, default="")
    # "what day exactly", « quel jour exactement »: a date to the day is asked
    exact: bool = False

    def mentions_before(self, entity_id: str, words: frozenset[str]) -> bool:
        """Does `entity_id` come before any of `words` in the question (is it the subject)?"""
        where = [m.start for m in self.reading.mentions if entity_id in m.entities]
        verbs = [i for i, word in enumerate(self.reading.words) if word in words]
        return bool(where and verbs and min(where) < min(verbs))


def read_question(index: SagaIndex, text: str, locale: Locale | None = None) -> Question:
    """Everything the engine needs to know about `text`."""
    text = respell(index.lexicon, text.strip())
    folded = " ".join(re.findall(r"[a-z0-9]+", fold(text).replace("'", " ")))
    quoted_match = QUOTED.search(text)
    quoted = (quoted_match.group("inner") or quoted_match.group("single")) if quoted_match else None
    moment = find_moment(text, index.calendar)
    rest = _cut_moment(text, moment.rest, moment.span) if moment else text
    rest = cut_attribution(index, rest)
    reading = read_names(index, rest)
    actions = reading.actions
    words = reading.find_unexplained()
    # The nouns ("Altman's replacement", « le remplaçant de Murati ») name the successor; the
    # verbs need the word order to tell who replaced whom.
    lexicon = index.lexicon
    replace = any(word in lexicon.replace_words - lexicon.replace_nouns for word in reading.words) or says_replace(lexicon, folded)
    content, foreign = _sort_words(index, drop_stopwords([w for w in words if w not in GENERIC_WORDS and w not in lexicon.filler_words]))
    speech = any(word in lexicon.speech_words for word in folded.split())
    return Question(
        text=text,
        locale=locale or detect_locale(text),
        kind="figure" if "%" in text or "$" in text else _classify(lexicon, folded, reading, quoted, speech,
                                                                   _says_more(lexicon, content, foreign)),
        reading=reading,
        moment=moment.date if moment else None,
        entities=reading.entities,
        roles=reading.roles,
        actions=actions,
        content=content,
        foreign=foreign,
        passive=_is_passive(folded, reading),
        by_whom=bool(_BY_WHOM.search(folded)),
        replace=replace,
        quoted=quoted,
        speech=speech,
        asks_who=bool(_WHO.search(folded)),
        sequence="before" if _BEFORE.search(folded) else "after" if _AFTER.search(folded) else None,
        negated=bool(NEGATIONS & set(folded.split())),
        exact=bool(lexicon.exact_words & set(folded.split())),
        becoming=any(re.search(rf"\b{re.escape(phrase)}\b", folded) for phrase in lexicon.becoming_words),
        folded=folded,
    )


_PUNCTUATION = re.compile(r"[,;:?!.()«»\"]")


def cut_attribution(index: SagaIndex, text: str) -> str:
    """The question without "according to Kevin Scott's memo", « selon l'article »: where the
    asker read it is not what happened, so the rules do not look for its words, names included,
    in the events ("selon Nadella": his statement, not the event counted). The whole question,
    clause and all, is still what meaning and words rank the events by."""
    lexicon = index.lexicon
    tokens = [(match, fold(match.group())) for match in re.finditer(r"[^\W_]+", text.replace("’", "'"))]
    folded = [word for _, word in tokens]
    for phrase in lexicon.attribution_phrases:
        words = phrase.split()
        start = next((i for i in range(len(folded) - len(words) + 1) if folded[i:i + len(words)] == words), None)
        if start is not None:
            break
    else:
        return text
    end = start + len(words)
    name_words = index.cache.get("alias-words")
    if name_words is None:
        name_words = index.cache["alias-words"] = frozenset(word for alias in index.entity_aliases for word in alias.split())
    # The clause is its determiners, sources and names, up to the last source or name: « selon
    # Shear n'a … » keeps its « n'a ».
    last, named = end - 1, False
    while end < len(folded) and not _PUNCTUATION.search(text, tokens[end - 1][0].end(), tokens[end][0].start()):
        word = folded[end]
        if word in lexicon.attribution_sources:
            last, end = end, end + 1
        elif word in name_words and word not in DETERMINERS and word not in ELIDED:
            # One name: "Kevin Scott's memo", not "Shear Altman", whose second name is the subject.
            size = next((size for size in range(min(4, len(folded) - end), 0, -1)
                         if " ".join(folded[end:end + size]) in index.entity_aliases), 0)
            if not size or named:
                break
            named, last, end = True, end + size - 1, end + size
        elif word in DETERMINERS or word in ELIDED:
            end += 1
        else:
            break
    first, last_end = tokens[start][0].start(), tokens[last][0].end()
    return " ".join(part for part in (text[:first].strip(), text[last_end:].strip()) if part)


def _classify(lexicon: Lexicon, folded: str, reading: Reading, quoted: str | None, speech: bool, says_more: bool) -> str:
    """The kind of question, decided by the first question word it uses."""
    if any(re.search(rf"\b{phrase}\b", folded) for phrase in lexicon.quantity_phrases):
        return "figure"
    asks_who = _WHO.search(folded)
    if (quoted or speech) and (asks_who or quoted) and (asks_who or not reading.entities):
        return "quote"
    if speech and _WHAT_DID.search(folded) and reading.entities and not reading.actions - {"said", "wrote", "announced", "published"}:
        return "quote"
    if _SOURCE.search(folded):
        return "source"
    asks_when = _WHEN.search(folded)
    other = _OTHER_QUESTION.search(folded)
    # "where was Sam when he was fired?" asks where: the first question word decides.
    if asks_when and (not asks_who or asks_when.start() < asks_who.start()) and (not other or asks_when.start() < other.start()):
        return "when"
    # A role alone ("the CEO of Microsoft"), not a word that is also an entity ("the board").
    role_only = any(mention.roles and not mention.entities for mention in reading.mentions) and not _find_real_actions(reading)
    if asks_who and role_only:
        return "role"
    if any(re.search(rf"\b{phrase}\b", folded) for phrase in lexicon.profile_phrases) and reading.entities \
            and not _find_real_actions(reading) and not says_more:
        return "profile"
    if asks_who:
        return "who"
    if _TIMELINE.search(folded):
        return "timeline"
    if role_only and not reading.entities:
        return "role"
    return "what"


def _says_more(lexicon: Lexicon, content: list[str], foreign: list[str]) -> bool:
    """Words beyond a name and a profile phrase ("c qui *dans le nouveau conseil*"): then the
    question asks about something of the entity, not who or what it is."""
    phrase_words = {word for phrase in lexicon.profile_phrases for word in phrase.split()}
    phrase_stems = {stem(word) for word in phrase_words}
    return any(word not in phrase_stems for word in content) or any(word not in phrase_words for word in foreign)


def _find_real_actions(reading: Reading) -> set[str]:
    """Actions named by words that are not also role words ("lead", « diriger »)."""
    return {action for mention in reading.mentions if not mention.roles for action in mention.actions}


def _is_passive(folded: str, reading: Reading) -> bool:
    """"Who was fired?": a participle after "was", « a été »; in the main clause only ("who quit
    *after Sam was fired*" asks who quit), and not a progressive ("who *are joining*")."""
    action_words = {mention.text.split()[0] for mention in reading.mentions if mention.actions}
    head = _SUBORDINATE.split(folded, maxsplit=1)[0]
    for pattern in (_PASSIVE_EN, _PASSIVE_FR):
        for match in pattern.finditer(head):
            verb = match.group("verb")
            if verb in action_words and not verb.endswith("ing"):
                return True
    return False


def _sort_words(index: SagaIndex, words: list[str]) -> tuple[list[str], list[str]]:
    """Stems the articles know, and words they never use (after fixing likely typos)."""
    known, foreign = [], []
    for word in words:
        stemmed = stem(word)
        if stemmed in index.vocabulary:
            known.append(stemmed)
            continue
        fixed = _fix_typo(index, stemmed) if len(word) >= 5 else _fix_short_name(index, word) if len(word) == 4 else None
        if fixed:
            known.append(fixed)
        else:
            foreign.append(word)
    return known, foreign


def _fix_short_name(index: SagaIndex, word: str) -> str | None:
    """A four-letter word one letter short of a name's word ("bord" → "board"); only names,
    because among all words one letter is too little ("born" is not "borne")."""
    names = index.cache.get("five-letter-names")
    if names is None:
        names = index.cache["five-letter-names"] = tuple(sorted(
            {part for alias in index.entity_aliases for part in alias.split() if len(part) == 5}))
    found = process.extractOne(word, names, scorer=fuzz.ratio, score_cutoff=85)
    return stem(found[0]) if found else None


def _fix_typo(index: SagaIndex, stemmed: str) -> str | None:
    """The stem of the articles a misspelt word most likely is ("signatries" → "signatori")."""
    fixes: dict[str, str | None] = index.cache.setdefault("typo-fixes", {})
    if stemmed not in fixes:
        words = index.cache.get("vocabulary")
        if words is None:
            words = index.cache["vocabulary"] = tuple(sorted(index.vocabulary))
        found = process.extractOne(stemmed, words, scorer=fuzz.ratio, score_cutoff=85)
        # Remembered, so a member retyping the same typo costs nothing; bounded by the words people type.
        if len(fixes) < 10_000:
            fixes[stemmed] = found[0] if found else None
        return found[0] if found else None
    return fixes[stemmed]


def _cut_moment(original: str, folded_rest: str, span: tuple[int, int]) -> str:
    """The original text minus the moment, keeping capitals ("Jobs") when folding kept the length."""
    if len(fold(original)) != len(original):
        return folded_rest
    return (original[: span[0]] + " " + original[span[1]:]).strip()
