"""Is a quote verbatim in its article, and if not, which passage did the curator mean?"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

_LOOKALIKES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})
# French quotation marks usually carry a space inside (« mot »); a retyped quote often drops it.
_GUILLEMETS = re.compile(r"«\s?|\s?»")


def spans_of(quote: str, text: str) -> list[tuple[int, int]]:
    """Every (start, end) where `quote` occurs verbatim in `text`."""
    spans, start = [], text.find(quote)
    while start != -1:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans


def _loosen(text: str) -> str:
    return _GUILLEMETS.sub('"', text).translate(_LOOKALIKES)


def explain_mismatch(quote: str, text: str) -> str:
    """Why `quote` is not in `text`, with the closest passage so the fix is obvious."""
    alignment = fuzz.partial_ratio_alignment(quote, text, processor=None)
    assert alignment is not None  # None only below a score_cutoff, and there is none
    passage = text[alignment.dest_start : alignment.dest_end].strip()
    if _loosen(quote) in _loosen(text):
        return f"differs from the article only in apostrophes, quotation marks or dashes; the article writes «{passage}»"
    if not passage:
        return "no similar passage in the article: is it the right article?"
    return f"closest passage ({alignment.score:.0f}% similar): «{passage}»"
