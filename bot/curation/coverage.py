"""The coverage report: sentences that name a known entity and that nothing in data/ cites."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .checks import all_passages, fold
from .dataset import Dataset
from .sentences import Sentence, split_sentences
from .verbatim import spans_of

# A citation covers a sentence when it lies inside it or overlaps it by this many characters.
MIN_OVERLAP = 20


@dataclass(frozen=True)
class Uncited:
    article: str
    path: str
    sentence: Sentence
    names: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.path}:{self.sentence.line}: names {', '.join(self.names)} but no event or quote cites «{self.sentence.text}»"


@dataclass(frozen=True)
class Coverage:
    naming: int
    cited: int
    ignored: int
    uncited: list[Uncited]


def build_alias_pattern(dataset: Dataset) -> list[tuple[re.Pattern[str], str]]:
    """One word-bounded pattern per alias, matched on folded text (no case, no accents)."""
    patterns = []
    for entity in dataset.entities:
        for alias in {fold(alias) for alias in entity.aliases}:
            patterns.append((re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)"), entity.id))
    return patterns


def measure_coverage(dataset: Dataset) -> Coverage:
    patterns = build_alias_pattern(dataset)
    cited: dict[str, list[tuple[int, int]]] = {}
    excused: dict[str, list[tuple[int, int]]] = {}
    for passage in all_passages(dataset):
        text = dataset.texts.get(passage.article)
        if text is None:
            continue
        target = excused if passage.entry in dataset.ignored else cited
        target.setdefault(passage.article, []).extend(spans_of(passage.quote, text))
    naming = cited_count = ignored_count = 0
    uncited: list[Uncited] = []
    for article, text in sorted(dataset.texts.items()):
        for sentence in split_sentences(text):
            folded = fold(sentence.text)
            names = tuple(sorted({entity for pattern, entity in patterns if pattern.search(folded)}))
            if not names:
                continue
            naming += 1
            if _covers(cited.get(article, []), sentence):
                cited_count += 1
            elif _covers(excused.get(article, []), sentence):
                ignored_count += 1
            else:
                uncited.append(Uncited(article, dataset.seed_paths.get(article, article), sentence, names))
    return Coverage(naming, cited_count, ignored_count, uncited)


def _covers(spans: list[tuple[int, int]], sentence: Sentence) -> bool:
    need = min(MIN_OVERLAP, sentence.end - sentence.start)
    for start, end in spans:
        inside = start >= sentence.start and end <= sentence.end
        overlap = min(end, sentence.end) - max(start, sentence.start)
        if inside or overlap >= need:
            return True
    return False
