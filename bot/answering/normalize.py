"""Text as the engine compares it: folded (lowercase, no accents), split into words, stemmed,
and the asker's language guessed from the words they use.

Questions arrive with typos, without accents, in French or English; everything the engine
matches (aliases, action words, summaries, quotes) goes through the same folding so that
« Viré », "vire" and "VIRÉ" are one word.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

Locale = Literal["fr", "en"]
LOCALES: tuple[Locale, ...] = ("fr", "en")
# Used when a question carries no sign of its language ("/what Altman"): Discord's default
# locale is English, and the replies quote the French articles verbatim anyway.
FALLBACK_LOCALE: Locale = "en"

_WORD = re.compile(r"[a-z0-9]+")
# French elisions ("l'", "d'", "qu'") and the "M." of « M. Altman » carry no meaning of their own.
ELIDED = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu"})

FRENCH_MARKERS = frozenset("""
qui quand quoi que quel quelle quels quelles est a ont ete etait etaient le la les du des un une et il elle ils
elles pourquoi comment combien dit ou au aux par pour avec sur ce cette ces son sa ses leur leurs pas ne
apres avant pendant s'est passe fait lundi mardi mercredi jeudi vendredi samedi dimanche novembre lequel
laquelle dans chez vire demissionne nomme recrute annonce combien-de selon entre qu suis sont etre avoir bonjour salut merci
""".split())
ENGLISH_MARKERS = frozenset("""
who whom whose when what which how many much the is was were did does do of to by for with on in at an and he
she they his her their said after before during happened has have had been why where fired quit hired named
there this that these those get got from about say says tell told monday tuesday wednesday thursday friday
saturday sunday november hello hi thanks please
""".split())

# Words that carry no content in a question: question words, auxiliaries, articles,
# prepositions, pronouns. What remains are the words an event must explain.
STOPWORDS = frozenset("""
qui quand quoi que quel quelle quels quelles est a ont ete etait etaient le la les du des un une et il elle ils
elles pourquoi comment combien dit ou au aux par pour avec sur ce cette ces son sa ses leur leurs pas ne ni
se apres avant pendant passe fait faire lui eux y en de on nous vous je tu me te mon ma mes ton ta tes notre nos
votre vos dont lequel laquelle dans chez sont etre avoir eu ai as avait avaient aura serait seraient plus moins
tres bien tout tous toute toutes si alors donc mais car comme entre selon ceci cela ca celui celle ceux
vers jour date moment heure heures fois autre autres meme quelqu quelque-chose chose choses t-il t-elle ete-il
who whom whose when what which how why where many much the is was were did does do done of to by for with on in
at an a and or he she it they them his her its their theirs him said say says tell told after before during
happened happen happens has have had been be being there this that these those get got gets from about into out
as than then so if also any some all anyone someone somebody something thing things day date time moment
would could should will shall can may might must am are i you we us our your my me one ones other others
against over under through without since until because while via per again very more most less least such own
same just only both each few no nor not too yet ever never also however though although whether
contre sans depuis jusqu jusque malgre envers parmi aupres lors puisque parce quoique tandis quand-meme aussi
tres trop peu beaucoup toujours jamais deja encore non oui ou-bien afin ainsi
annee annees year years mois month months semaine semaines week weeks front suis es sommes etes jsuis chui
""".split())

# Words before a noun: an action word after one ("the letter", « le mémo ») names a thing.
DETERMINERS = frozenset("the a an his her their its le la les un une son sa ses leur leurs ce cette".split())

PREPOSITIONS = frozenset("on about in of to for with from by sur dans de du des au aux pour avec par chez".split())

# Nouns of time: empty words in "what day" / « à quelle heure », units in "how many hours".
TIME_WORDS = frozenset("jour jours date moment heure heures temps day days time hours hour annee annees an ans year years mois month "
                       "months semaine semaines week weeks".split())

QUESTION_WORDS = frozenset("qui quand quoi que quel quelle combien pourquoi comment who whom when what which how why".split())


def fold(text: str) -> str:
    """Lowercase, without accents, with straight apostrophes and ASCII digits (« ٢٠٢٣ », "²"):
    the form every comparison uses."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    if not decomposed.isascii():
        decomposed = _OTHER_DIGIT.sub(lambda found: str(unicodedata.decimal(found.group())), decomposed)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().strip()


# A decimal digit of another script (Arabic-Indic, Devanagari…): `\d` matches them, dates and
# counts must not see them.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def split_words(text: str) -> list[str]:
    """The folded words of `text`, elisions dropped: « l’éviction d’Altman » → ['eviction', 'altman']."""
    return [word for word in _WORD.findall(fold(text)) if word not in ELIDED]


def split_words_with_case(text: str) -> list[tuple[str, bool]]:
    """Each folded word with whether it was capitalised in `text` (proper names usually are)."""
    found = []
    for match in re.finditer(r"[^\W_]+", text.replace("’", "'")):
        word = fold(match.group())
        if word and word not in ELIDED:
            found.append((word, match.group()[0].isupper()))
    return found


_SUFFIXES = (
    "issements", "issement", "ements", "ement", "ations", "ation", "trices", "trice", "teurs", "teur", "euses", "euse", "eurs", "eur", "itions", "ition", "aient", "erent", "ait", "ant",
    "ees", "ee", "es", "er", "ez", "ings", "ing", "ied", "ies", "ed", "s", "e", "y",
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude bilingual stem, enough to make « licencié », "licenciement" and "licencier" meet,
    and "fired", "fire" and "firing": drop one common ending, then a doubled final letter."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2]:
        word = word[:-1]
    return word


def drop_stopwords(words: Sequence[str]) -> list[str]:
    """The words of a question that carry meaning (no stopwords, no lone digits below 4 digits)."""
    return [word for word in words if word not in STOPWORDS and len(word) > 1]


def detect_locale(text: str, fallback: Locale = FALLBACK_LOCALE) -> Locale:
    """'fr' or 'en' from the words of `text`; `fallback` when it shows no sign of either."""
    folded_words = _WORD.findall(fold(text).replace("'", " "))
    french = sum(word in FRENCH_MARKERS for word in folded_words)
    english = sum(word in ENGLISH_MARKERS for word in folded_words)
    # Accented letters are a strong sign of French ("viré", "démissionné").
    if re.search(r"[àâçéèêëîïôûùüÿœ«»]", text.casefold()):
        french += 2
    if french == english:
        return fallback
    return "fr" if french > english else "en"
