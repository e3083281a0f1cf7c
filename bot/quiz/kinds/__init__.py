"""The six kinds of question, each listing the candidates the saga supports."""
from __future__ import annotations

from collections.abc import Callable

from ...answering.index import SagaIndex
from ..questions import Kind
from .base import Candidate
from .figures import list_figure_candidates
from .order import list_order_candidates
from .quote import list_quote_candidates
from .role import list_role_candidates
from .when import list_when_candidates
from .who import list_who_candidates

CANDIDATE_LISTS: dict[Kind, Callable[[SagaIndex], list[Candidate]]] = {
    "who": list_who_candidates,
    "when": list_when_candidates,
    "quote": list_quote_candidates,
    "role": list_role_candidates,
    "order": list_order_candidates,
    "figures": list_figure_candidates,
}


def list_candidates(index: SagaIndex) -> dict[Kind, list[Candidate]]:
    """Every candidate of every kind, built once per index (the index never changes)."""
    cached = index.cache.get("quiz-candidates")
    if cached is None:
        cached = index.cache["quiz-candidates"] = {kind: build(index) for kind, build in CANDIDATE_LISTS.items()}
    return cached


__all__ = ["CANDIDATE_LISTS", "Candidate", "list_candidates"]
