"""Split an article into sentences, keeping each sentence's character span and line."""
from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? or … (with an optional closing quotation mark) when the next
# non-space character opens a new sentence: an uppercase letter or an opening quotation
# mark. The articles sometimes omit the space ("Microsoft.Le scientifique").
_BOUNDARY = re.compile(r"[.!?…]+(?:\s?[»”\"])?(?=\s*[«“\"]?\s*[A-ZÀ-ÖØ-Þ])")
# Abbreviations after which a period does not end the sentence ("M. Altman").
_ABBREVIATIONS = {"M", "Mr", "Mme", "Dr", "St", "Mrs", "Ms"}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    line: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order; a line break always ends a sentence."""
    sentences: list[Sentence] = []
    offset = 0
    for line_number, line in enumerate(text.split("\n"), start=1):
        cut = 0
        for match in _BOUNDARY.finditer(line):
            word = re.search(r"(\w+)$", line[cut : match.start()])
            if word and word.group(1) in _ABBREVIATIONS:
                continue
            _append(sentences, line, offset, cut, match.end(), line_number)
            cut = match.end()
        _append(sentences, line, offset, cut, len(line), line_number)
        offset += len(line) + 1
    return sentences


def _append(sentences: list[Sentence], line: str, offset: int, start: int, end: int, line_number: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        begin = offset + start + lead
        sentences.append(Sentence(begin, begin + len(stripped), line_number, stripped))
