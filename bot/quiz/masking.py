"""Blanks in the saga's own sentences: the answer's names (who?) or the asked number (how
many?) replaced by a blank, so a question is worded by the curated summaries themselves
rather than by invented sentences.

A sentence is only usable when the blank took every mention of the answer away; the callers
check that with `still_names`, and skip the sentence otherwise.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..answering.normalize import split_words
from .questions import BLANK

# Numbers as the summaries write them in words; 1 is left out on purpose: « une heure »,
# "a year" give the answer away by the noun's agreement, so such figures are not asked.
NUMBER_WORDS: dict[int, dict[str, tuple[str, ...]]] = {
    2: {"en": ("two",), "fr": ("deux",)},
    3: {"en": ("three",), "fr": ("trois",)},
    4: {"en": ("four",), "fr": ("quatre",)},
    5: {"en": ("five",), "fr": ("cinq",)},
    6: {"en": ("six",), "fr": ("six",)},
    7: {"en": ("seven",), "fr": ("sept",)},
    8: {"en": ("eight",), "fr": ("huit",)},
    9: {"en": ("nine",), "fr": ("neuf",)},
    10: {"en": ("ten",), "fr": ("dix",)},
    20: {"en": ("twenty",), "fr": ("vingt",)},
    30: {"en": ("thirty",), "fr": ("trente",)},
}
_SCALES = ((1_000_000_000, {"en": r"billion", "fr": r"milliards?"}), (1_000_000, {"en": r"million", "fr": r"millions?"}))


def mask_names(text: str, phrases: Iterable[str]) -> tuple[str, int]:
    """`text` with every phrase (a name, an alias) blanked; and how many blanks.

    Overlapping mentions become one blank: « Le conseil » and « conseil d'administration
    d'OpenAI » in the same words must not leave « d'administration » behind as a clue."""
    spans: list[tuple[int, int]] = []
    for phrase in {phrase for phrase in phrases if phrase.strip()}:
        spans += [match.span() for match in re.finditer(_as_pattern(phrase), text, re.IGNORECASE)]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + BLANK + text[end:]
    return text, len(merged)


def still_names(text: str, phrases: Iterable[str]) -> bool:
    """Whether `text` still says one of the phrases, folded (accents, case and apostrophes aside)."""
    words = f" {' '.join(split_words(text))} "
    return any(f" {folded} " in words for phrase in phrases if (folded := " ".join(split_words(phrase))))


def mask_number(text: str, value: float, locale: str) -> tuple[str, int]:
    """`text` with the number `value` blanked, as digits ("30", "100 million", « 100 millions ») or
    in words ("four", « quatre »); and how many blanks."""
    forms: list[str] = []
    for size, words in _SCALES:
        if value >= size and float(value / size).is_integer():
            forms.append(rf"{int(value / size)}\s+{words[locale]}")
    if float(value).is_integer():
        whole = int(value)
        forms += [re.escape(f"{whole:,}"), re.escape(f"{whole:,}".replace(",", "\u202f")), re.escape(f"{whole:,}".replace(",", " ")),
                  str(whole)]
        forms += [re.escape(word) for word in NUMBER_WORDS.get(whole, {}).get(locale, ())]
    if not forms:
        return text, 0
    pattern = re.compile(r"(?<![\w.,])(?:" + "|".join(dict.fromkeys(forms)) + r")(?![\w])", re.IGNORECASE)
    return pattern.subn(BLANK, text)


def _as_pattern(phrase: str) -> str:
    """A phrase as a regular expression: whole words, any apostrophe, any spacing."""
    pieces = [re.escape(piece) for piece in re.split(r"\s+", phrase.strip())]
    body = re.sub("['’]", lambda _: "['’]", r"\s+".join(pieces))
    return rf"(?<!\w){body}(?!\w)"
